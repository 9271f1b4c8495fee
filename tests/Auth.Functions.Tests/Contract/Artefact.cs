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
