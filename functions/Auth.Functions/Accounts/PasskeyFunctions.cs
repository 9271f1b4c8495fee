using System.Text.Json;
using Auth.Functions.Http;
using Auth.Functions.Passkeys;
using Auth.Functions.Tokens;
using Fido2NetLib;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>Passkeys: add one (signed in), list and remove them, sign in with one, and the hosted page that does both.</summary>
[ApiTag("Passkeys", "WebAuthn passkeys: a signed-in user adds one; anyone signs in with one, no email typed. Each ceremony is begun here, run by the browser, and finished here.")]
public sealed class PasskeyFunctions(ApiPipeline api, KeyedApi keyed, PasskeyService passkeys)
{
    private static readonly ApiPolicy LoginPolicy = new(AcceptsJson: true, RateLimit: RateLimits.Login);
    private static readonly ApiPolicy LoginOptionsPolicy = new(RateLimit: RateLimits.Login);

    private const string CredentialRule = "Must be the browser's PublicKeyCredential.toJSON().";

    [Function(nameof(BeginPasskeyRegistration))]
    [EndpointSummary("Begin adding a passkey, with a session key from a sign-in less than 10 minutes old: creation options for navigator.credentials.create (discoverable, user-verified), and the ceremony to finish with.")]
    [RequiresKey]
    [JsonRequest(typeof(BeginPasskeyRegistrationRequest))]
    [Response(StatusCodes.Status200OK, typeof(PasskeyCeremonyResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.ReauthenticationRequired)]
    public Task<IResult> BeginPasskeyRegistration([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.PasskeyRegistrationOptions)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, BeginRegistrationAsync);

    [Function(nameof(FinishPasskeyRegistration))]
    [EndpointSummary("Finish adding a passkey with the browser's new credential.")]
    [RequiresKey]
    [JsonRequest(typeof(FinishPasskeyRegistrationRequest))]
    [Response(StatusCodes.Status201Created, typeof(PasskeyResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.PasskeyNotAccepted)]
    public Task<IResult> FinishPasskeyRegistration([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.PasskeyRegistration)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, FinishRegistrationAsync);

    [Function(nameof(ListPasskeys))]
    [EndpointSummary("The caller's passkeys, oldest first (never a public key).")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(PasskeyListResponse))]
    [ProblemResponses]
    public Task<IResult> ListPasskeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.Passkeys)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, async (caller, _, cancellationToken) =>
            TypedResults.Ok(new PasskeyListResponse([.. (await passkeys.ListAsync(caller, cancellationToken)).Select(p => p.ToDto())])));

    [Function(nameof(DeletePasskey))]
    [EndpointSummary("Remove one of the caller's passkeys; the only way left into an account is refused.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.LastSignInMethod)]
    public Task<IResult> DeletePasskey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", "options", Route = Routes.Passkey)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, async (caller, request, cancellationToken) =>
            // Both hosts route the request, so {id} is in its route values; another user's passkey is simply absent (404).
            request.RouteValues["id"] is not string id || !RelyingParty.IsPasskeyId(id) ? Problems.NotFound() : await passkeys.DeleteAsync(caller, id, cancellationToken) switch
            {
                RemovalOutcome.Removed => TypedResults.NoContent(),
                RemovalOutcome.LastSignInMethod => Problems.LastSignInMethod(),
                _ => Problems.NotFound(),
            });

    [Function(nameof(BeginPasskeyLogin))]
    [EndpointSummary("Begin a sign-in with a passkey: request options for navigator.credentials.get (any passkey of this service), and the ceremony to finish with.")]
    [Response(StatusCodes.Status200OK, typeof(PasskeyCeremonyResponse))]
    [ProblemResponses(ProblemCodes.TooManyRequests)]
    public Task<IResult> BeginPasskeyLogin([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.PasskeyLoginOptions)] HttpRequest request) =>
        api.RunAsync(request, LoginOptionsPolicy, async (_, cancellationToken) =>
        {
            var (ceremony, options) = await passkeys.BeginLoginAsync(cancellationToken);
            return TypedResults.Ok(new PasskeyCeremonyResponse(ceremony, Parse(options)));
        });

    [Function(nameof(FinishPasskeyLogin))]
    [EndpointSummary("Sign in with the browser's passkey assertion: a session, as Login gives (a user-verified passkey is two factors).")]
    [JsonRequest(typeof(FinishPasskeyLoginRequest))]
    [Response(StatusCodes.Status200OK, typeof(LoginResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.PasskeyNotAccepted, ProblemCodes.AccountDisabled, ProblemCodes.EmailNotVerified, ProblemCodes.TooManyRequests)]
    public Task<IResult> FinishPasskeyLogin([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.PasskeyLogin)] HttpRequest request) =>
        api.RunAsync(request, LoginPolicy, FinishLoginAsync);

    [Function(nameof(PasskeysPage))]
    [EndpointSummary("A page where a signed-in user adds a passkey and anyone signs in with one.")]
    [Response(StatusCodes.Status200OK, contentType: "text/html")]
    public Task<IResult> PasskeysPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.PasskeysPage)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Static, (request, _) => Task.FromResult(Passkeys.PasskeysPage.Render(request.HttpContext)));

    private async Task<IResult> BeginRegistrationAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.BeginPasskeyRegistrationRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (LabelProblem(body.Value!.Label, out var label) is { } invalid)
        {
            return invalid;
        }

        return await passkeys.BeginRegistrationAsync(caller, label, cancellationToken) is PasskeyOutcome.Begun begun
            ? TypedResults.Ok(new PasskeyCeremonyResponse(begun.Ceremony, Parse(begun.Options)))
            : Problems.SignInAgainForPasskey();
    }

    private async Task<IResult> FinishRegistrationAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.FinishPasskeyRegistrationRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        if (Problems.Required(("ceremony", string.IsNullOrWhiteSpace(input.Ceremony)), ("credential", input.Credential is null)) is { } missing)
        {
            return missing;
        }

        if (LabelProblem(input.Label, out var label) is { } invalid)
        {
            return invalid;
        }

        if (RelyingParty.ReadCredential<AuthenticatorAttestationRawResponse>(input.Credential!.Value) is not { Response: not null, RawId: not null } credential)
        {
            return Problems.Validation("credential", CredentialRule);
        }

        return await passkeys.FinishRegistrationAsync(caller, input.Ceremony!, credential, label, cancellationToken) is PasskeyOutcome.Added added
            ? TypedResults.Created(Routes.PathOf(Routes.Passkeys) + "/" + added.Passkey.PasskeyId, new PasskeyResponse(added.Passkey.ToDto()))
            : Problems.PasskeyNotAccepted();
    }

    private async Task<IResult> FinishLoginAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.FinishPasskeyLoginRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        if (Problems.Required(("ceremony", string.IsNullOrWhiteSpace(input.Ceremony)), ("credential", input.Credential is null)) is { } missing)
        {
            return missing;
        }

        if (RelyingParty.ReadCredential<AuthenticatorAssertionRawResponse>(input.Credential!.Value) is not { Response: not null, RawId: not null } credential)
        {
            return Problems.Validation("credential", CredentialRule);
        }

        var network = ClientNetwork.Of(ClientInfo.Current?.Ip);
        return AccountFunctions.ToResult(await passkeys.FinishLoginAsync(input.Ceremony!, credential, network, cancellationToken), challenge: null);
    }

    /// <summary>A trimmed label (null when none), or the problem with it.</summary>
    private static ApiProblem? LabelProblem(string? input, out string? label)
    {
        label = string.IsNullOrWhiteSpace(input) ? null : input.Trim();
        return label is null || Labels.IsAcceptable(label) ? null : Problems.Validation("label", Labels.Rule);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
