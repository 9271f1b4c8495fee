using System.Security.Cryptography;

namespace Auth.Functions.Secrets;

/// <summary>
/// The local key source: a file of <c>id:base64key</c> lines, the last of which encrypts. Missing, it is
/// created with one new key, readable by its owner only. Rotate by appending a line.
/// </summary>
public sealed class SecretKeyFile(string path) : ISecretKeySource
{
    public string Setting => $"{SecretKeyOptions.Section}__{nameof(SecretKeyOptions.File)}";

    public async Task<IReadOnlyList<SecretKey>> LoadAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(path))
        {
            await CreateAsync(cancellationToken);
        }

        var keys = new List<SecretKey>();
        foreach (var line in await System.IO.File.ReadAllLinesAsync(path, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            keys.Add(SecretKeyRing.Parse(colon > 0 ? line[..colon].Trim() : "", colon > 0 ? line[(colon + 1)..].Trim() : line, path));
        }

        return keys;
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var id = "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var line = $"{id}:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretKeyRing.KeyBytes))}\n";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using var file = new FileStream(path, options);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync("# Keys that encrypt secrets at rest (id:base64). The last line encrypts; keep the others to decrypt.\n");
            await writer.WriteAsync(line.AsMemory(), cancellationToken);
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            // Another process made it first: read theirs.
        }
    }
}
