using System.Diagnostics;
using System.Reflection;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 NuGet package (restored with the tests).</summary>
public static class BicepCli
{
    public static string Executable { get; } = Locate();

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "infra"),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No telemetry, no update checks: this machine has no network beyond package registries.
        info.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    private static string Locate()
    {
        var root = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        var path = Path.Combine(root, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {path}: restore the test project.");
        }

        // NuGet does not keep the execute bit of the packaged binary.
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
    }
}
