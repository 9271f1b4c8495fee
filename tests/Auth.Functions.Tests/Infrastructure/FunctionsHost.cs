using System.Diagnostics;
using System.IO.Compression;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>
/// The genuine Azure Functions host (the WebJobs script host that Core Tools' <c>func start</c> runs
/// and that runs the app in Azure) in front of the published app (<c>artifacts/functionapp.zip</c>),
/// over an Azurite of its own, with the settings a deployment has. Where the host comes from, first
/// found wins:
/// <list type="number">
/// <item><c>FUNCTIONS_HOST_DIR</c>: a folder holding a built host (<c>Microsoft.Azure.WebJobs.Script.WebHost.dll</c>);</item>
/// <item>Core Tools' <c>func</c> on the PATH (it brings its own host);</item>
/// <item>the host's pinned sources beside the repository (<c>../shared/functions-host</c>, as CI machines
/// have them), built once into <c>.data/functions-host</c> and reused.</item>
/// </list>
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>Set (to anything) where the host tests must run: without a host they then fail instead of being skipped.</summary>
    public const string RequiredVariable = "AUTH_REQUIRE_FUNCTIONS_HOST";

    public const string DirectoryVariable = "FUNCTIONS_HOST_DIR";

    private const string HostDll = "Microsoft.Azure.WebJobs.Script.WebHost.dll";

    private static readonly Lazy<Task<HostCommand>> Built = new(LocateOrBuildAsync);

    private readonly LocalProcess _process;
    private readonly string _appRoot;

    private FunctionsHost(LocalProcess process, Azurite azurite, HttpClient http, string appRoot, string mail)
    {
        _process = process;
        Azurite = azurite;
        Http = http;
        _appRoot = appRoot;
        MailDirectory = mail;
    }

    public Azurite Azurite { get; }

    /// <summary>A client of the host's listener.</summary>
    public HttpClient Http { get; }

    public string MailDirectory { get; }

    /// <summary>What the host (and the worker it started) printed so far.</summary>
    public string Output => _process.Output;

    /// <summary>Why the host tests cannot run here, or null when a host can be had.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    private static string? FindUnavailable()
    {
        if (Environment.GetEnvironmentVariable(RequiredVariable) is { Length: > 0 })
        {
            return null; // Must run: a missing host then fails the tests, loudly.
        }

        return Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } || OnPath("func") is not null || File.Exists(SourcesBuildScript)
            ? null
            : NoHostMessage;
    }

    private static string SourcesBuildScript => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "functions-host", "build.sh"));

    /// <summary>Starts the host over the published app; answers once <c>/api/health</c> does.</summary>
    /// <param name="settings">App settings over the defaults below (null removes one).</param>
    public static async Task<FunctionsHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var command = await Built.Value;
        var zip = Path.Combine(RepoPaths.Root, "artifacts", "functionapp.zip");
        if (!File.Exists(zip))
        {
            throw new InvalidOperationException($"{zip} is missing: run ./publish.sh (./test.sh does).");
        }

        var appRoot = Directory.CreateTempSubdirectory("hosted-app-").FullName;
        ZipFile.ExtractToDirectory(zip, appRoot);
        var mail = Path.Combine(appRoot, "..", Path.GetFileName(appRoot) + "-mail");
        var azurite = await Azurite.StartAsync(persistent: false);
        var port = LocalProcess.FreePort();
        var environment = new Dictionary<string, string?>
        {
            // What the platform sets for a dotnet-isolated app, and what the Bicep sets.
            ["AzureWebJobsScriptRoot"] = appRoot,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["languageWorkers__dotnet-isolated__workerDirectory"] = appRoot,
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["AzureWebJobsSecretStorageType"] = "files",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["DOTNET_ROLL_FORWARD"] = "Major",
            // The host's own log (function executions, retries) on its console, as func start shows it.
            ["AzureFunctionsJobHost__Logging__Console__IsEnabled"] = "true",
            // Set when the host believes it runs in Linux Consumption: never here.
            ["CONTAINER_NAME"] = null,
            ["PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["PurgeSchedule"] = "0 0 * * * *",
            ["Email__Provider"] = "pickup",
            ["Email__PickupDirectory"] = mail,
            ["SecretKeys__File"] = Path.Combine(mail, "secret-keys"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var process = command.Start(environment, appRoot, port);
        // Redirects (external sign-in's) are answers to look at, not to follow.
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var host = new FunctionsHost(process, azurite, http, appRoot, mail);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException($"The Functions host exited:\n{process.Output}");
            }

            try
            {
                using var health = await http.GetAsync("/api/health");
                if (health.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                var output = process.Output;
                await host.DisposeAsync();
                throw new TimeoutException($"The Functions host did not answer /api/health within 90 s:\n{output}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        await Azurite.DisposeAsync();
        foreach (var directory in new[] { _appRoot, MailDirectory })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>How to start the host found: the built host's DLL, or Core Tools.</summary>
    private sealed record HostCommand(string? HostDirectory)
    {
        public LocalProcess Start(Dictionary<string, string?> environment, string appRoot, int port) =>
            HostDirectory is not null
                ? LocalProcess.Start("dotnet", [Path.Combine(HostDirectory, HostDll)], environment, workingDirectory: HostDirectory)
                // Core Tools runs the same host over the app folder it is started in.
                : LocalProcess.Start("func", ["host", "start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment, workingDirectory: appRoot);
    }

    private static async Task<HostCommand> LocateOrBuildAsync()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } named)
        {
            return File.Exists(Path.Combine(named, HostDll))
                ? new HostCommand(named)
                : throw new InvalidOperationException($"{DirectoryVariable}={named} holds no {HostDll}.");
        }

        if (OnPath("func") is not null)
        {
            return new HostCommand(null);
        }

        if (!File.Exists(SourcesBuildScript))
        {
            throw new InvalidOperationException(NoHostMessage);
        }

        // Built once per machine, outside nothing the repository's own build settings reach: the
        // folder gets a Directory.Packages.props of its own (MSBuild would otherwise find the
        // repository's, with central package versions the host does not use), and git is told not
        // to look above it (the build applies a patch with git, which inside the repository's work
        // tree would apply it to the repository).
        var output = Path.Combine(RepoPaths.Root, ".data", "functions-host");
        var built = Path.Combine(output, "hostpub");
        if (!File.Exists(Path.Combine(built, HostDll)))
        {
            Directory.CreateDirectory(output);
            await File.WriteAllTextAsync(Path.Combine(output, "Directory.Packages.props"),
                "<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n");
            await using var build = LocalProcess.Start("bash", [SourcesBuildScript, output], new Dictionary<string, string?>
            {
                ["GIT_CEILING_DIRECTORIES"] = Path.Combine(output, "src"),
            });
            if (!await build.WaitForExitAsync(TimeSpan.FromMinutes(20)) || !File.Exists(Path.Combine(built, HostDll)))
            {
                throw new InvalidOperationException($"Building the Functions host failed:\n{build.Output}");
            }
        }

        return new HostCommand(built);
    }

    private const string NoHostMessage =
        $"No Azure Functions host here: install Azure Functions Core Tools (func on the PATH), or set {DirectoryVariable} to a folder with a built host ({HostDll}).";

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A test that needs the genuine Functions host: skipped, saying how to get one, where there is none.</summary>
public sealed class HostFactAttribute : FactAttribute
{
    public HostFactAttribute()
    {
        if (FunctionsHost.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
