using System.IO.Compression;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Contract;

/// <summary>artifacts/functionapp.zip (built by ./publish.sh, which ./test.sh runs first), unzipped once.</summary>
public sealed class Artefact : IDisposable
{
    public Artefact()
    {
        ZipPath = Path.Combine(RepoPaths.Root, "artifacts", "functionapp.zip");
        if (!File.Exists(ZipPath))
        {
            throw new InvalidOperationException($"{ZipPath} is missing: run ./publish.sh (./test.sh does).");
        }

        AppRoot = Directory.CreateTempSubdirectory("functionapp-").FullName;
        ZipFile.ExtractToDirectory(ZipPath, AppRoot);
    }

    public string ZipPath { get; }

    public string AppRoot { get; }

    public string Executable => Path.Combine(AppRoot, "Auth.Functions");

    /// <summary>Starts the handler as the Functions host does: its port in the environment, cwd = app root.</summary>
    public static LocalProcess StartUnderHost(string appRoot, int port, IDictionary<string, string?> environment)
    {
        var all = new Dictionary<string, string?>(environment)
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(),
            ["FUNCTIONS_APP_ROOT_PATH"] = appRoot,
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
        };
        return LocalProcess.Start(Path.Combine(appRoot, "Auth.Functions"), [], all, workingDirectory: appRoot);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(AppRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
