using Auth.Functions.Storage;
using Auth.Functions.Tokens;

namespace Auth.Functions.Admin;

/// <summary>
/// <c>Auth.Functions admin …</c>: admin keys are minted, listed and revoked by the app's own executable,
/// with direct access to its storage (the same <c>AzureWebJobsStorage</c> settings the app reads: a
/// connection string locally, or <c>AzureWebJobsStorage__accountName</c> with the operator's Entra
/// identity through <c>DefaultAzureCredential</c> in Azure), never over HTTP.
/// </summary>
public static class AdminCli
{
    public const string Command = "admin";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == Command;

    /// <returns>The process's exit code: 0 done, 1 refused (no such key), 2 usage.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var verb = args.Length > 1 ? args[1] : "";
        string? label = null;
        if (verb == "create-key")
        {
            var at = Array.IndexOf(args, "--label");
            label = at > 0 && at + 1 < args.Length ? args[at + 1].Trim() : null;
            if (string.IsNullOrEmpty(label) || !Http.Labels.IsAcceptable(label))
            {
                return Usage(errors, $"create-key needs --label (1-{Http.Labels.MaxLength} characters, no control characters).");
            }
        }
        else if (verb == "revoke-key" && (args.Length < 3 || !Keys.IsValidId(args[2])))
        {
            return Usage(errors, "revoke-key needs the key's id (as list-keys shows it).");
        }
        else if (verb is not ("list-keys" or "revoke-key"))
        {
            return Usage(errors, verb.Length == 0 ? null : $"Unknown command '{verb}'.");
        }

        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.Section).Bind(options);
        if (options.TablePrefix is null || !options.IsValidPrefix())
        {
            await errors.WriteLineAsync("Storage__TablePrefix must be letters and digits, starting with a letter (default: auth).");
            return 2;
        }

        var tables = new AuthTables(StorageClients.Create(configuration, options).Tables, options);
        await tables.Users.CreateIfNotExistsAsync();
        var keys = new AdminKeyStore(tables, TimeProvider.System);
        switch (verb)
        {
            case "create-key":
                var (entity, key) = await keys.CreateAsync(label!, CancellationToken.None);
                await errors.WriteLineAsync($"Admin key {entity.KeyId} ({entity.Label}) created. It is shown this once; only its hash is stored:");
                await output.WriteLineAsync(key);
                return 0;
            case "list-keys":
                foreach (var listed in await keys.ListAsync(CancellationToken.None))
                {
                    await output.WriteLineAsync($"{listed.KeyId}  {listed.Created:yyyy-MM-dd HH:mm}Z  {listed.Label}");
                }

                return 0;
            default:
                if (await keys.RevokeAsync(args[2], CancellationToken.None))
                {
                    await output.WriteLineAsync($"Admin key {args[2]} revoked.");
                    return 0;
                }

                await errors.WriteLineAsync($"No admin key {args[2]}.");
                return 1;
        }
    }

    private static int Usage(TextWriter errors, string? problem)
    {
        if (problem is not null)
        {
            errors.WriteLine(problem);
        }

        errors.WriteLine("""
            Usage: Auth.Functions admin create-key --label <label>   mint an admin key (printed once)
                   Auth.Functions admin list-keys                    id, creation time and label of each
                   Auth.Functions admin revoke-key <id>              revoke one
            Storage: AzureWebJobsStorage (a connection string), or AzureWebJobsStorage__accountName
            (signs in with DefaultAzureCredential: az login), as the app reads it.
            """);
        return 2;
    }
}
