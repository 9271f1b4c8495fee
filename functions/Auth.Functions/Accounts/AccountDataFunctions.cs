using Auth.Functions.Events;
using Auth.Functions.Http;
using Auth.Functions.Mfa;
using Auth.Functions.Identities;
using Auth.Functions.Passkeys;
using Auth.Functions.Tokens;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>DeleteAccount and ExportAccount: the owner erases the account, or takes a copy of everything stored about it.</summary>
[ApiTag("Account data", "Erase the signed-in account, or export everything stored about it (GDPR articles 15, 17 and 20).")]
public sealed class AccountDataFunctions(
    KeyedApi keyed, Reauthentication reauthentication, MfaStore mfa, AccountErasure erasure, TokenStore tokens, PasskeyStore passkeys, IdentityStore identities, SecurityEvents events, TimeProvider clock)
{
    /// <summary>An export holds at most this many security events (the log's retention bounds them anyway).</summary>
    private const int MaxExportedEvents = 10_000;

    /// <summary>How recent the sign-in of an account without a password must be to erase it.</summary>
    private static readonly TimeSpan FreshSignIn = TimeSpan.FromMinutes(5);

    [Function(nameof(DeleteAccount))]
    [EndpointSummary("Erase the caller's account: the password, and a code where a second factor is on. Every key stops working at once.")]
    [RequiresKey]
    [JsonRequest(typeof(DeleteAccountRequest))]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.ReauthenticationRequired, ProblemCodes.InvalidMfaCode, ProblemCodes.TooManyRequests)]
    public Task<IResult> DeleteAccount([HttpTrigger(AuthorizationLevel.Anonymous, "delete", "options", Route = Routes.Account)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, DeleteAsync);

    [Function(nameof(ExportAccount))]
    [EndpointSummary("Everything stored about the caller's account, as one JSON document: never a secret or a hash.")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(AccountExport))]
    [ProblemResponses]
    public Task<IResult> ExportAccount([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.AccountExport)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, ExportAsync);

    private async Task<IResult> DeleteAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.DeleteAccountRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var network = ClientNetwork.Of(ClientInfo.Current?.Ip);
        if (caller.User.PasswordHash.Length == 0)
        {
            // No password to prove: the proof is a fresh sign-in (a passkey or an external provider),
            // a session key minted in the last few minutes.
            if (!caller.SignedInWithin(FreshSignIn, clock.GetUtcNow()))
            {
                return Problems.ReauthenticationRequired();
            }
        }
        else if (string.IsNullOrEmpty(input.Password))
        {
            return Problems.ReauthenticationRequired();
        }
        else if (await reauthentication.CheckPasswordAsync(caller, input.Password, network, cancellationToken) is { } refused)
        {
            return refused is MfaOutcome.Throttled throttled ? Problems.TooManyRequests(throttled.RetryAfter) : Problems.ReauthenticationRequired();
        }

        if (await mfa.GetAsync(caller.UserId, cancellationToken) is { Enabled: true } factor)
        {
            if (string.IsNullOrWhiteSpace(input.Code))
            {
                return Problems.ReauthenticationRequired();
            }

            var (_, noProof) = await reauthentication.ProveAsync(caller, factor, input.Code, network, cancellationToken);
            if (noProof is not null)
            {
                return noProof is MfaOutcome.Throttled wait ? Problems.TooManyRequests(wait.RetryAfter) : Problems.InvalidMfaCode();
            }
        }

        await erasure.EraseAsync(caller.UserId, cancellationToken);
        return TypedResults.NoContent();
    }

    private async Task<IResult> ExportAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var keysRead = tokens.ListLiveAsync(caller.User, cancellationToken);
        var factorRead = mfa.GetAsync(caller.UserId, cancellationToken);
        var passkeysRead = passkeys.ListAsync(caller.UserId, cancellationToken);
        var identitiesRead = identities.ListAsync(caller.UserId, cancellationToken);
        var log = new List<SecurityEventDto>();
        string? before = null;
        do
        {
            var page = await events.ListAsync(caller.UserId, SecurityEvents.MaxPageSize, before, cancellationToken);
            log.AddRange(SecurityEventFunctions.ToResponse(page).Items);
            before = page.Next;
        }
        while (before is not null && log.Count < MaxExportedEvents);

        var factor = await factorRead;
        var export = new AccountExport(
            caller.User.ToDto(),
            [.. (await keysRead).OrderBy(t => t.Created).Select(t => t.ToInfo(caller.TokenId))],
            new SecondFactorExport(factor is { Enabled: true }, factor is { Enabled: true } ? factor.RecoveryCodesLeft : 0),
            [.. (await passkeysRead).Select(p => p.ToDto())],
            [.. (await identitiesRead).Select(i => i.ToDto())],
            log,
            clock.GetUtcNow());
        await events.RecordAsync(events.New(caller.UserId, SecurityEventTypes.AccountExport, caller.TokenId), cancellationToken);
        return TypedResults.Ok(export);
    }
}
