using Auth.Functions.Http;
using Auth.Functions.Identities;
using Auth.Functions.Tokens;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>Sign-in with external providers (Google, Microsoft, GitHub, any OpenID Connect provider), and the identities linked to an account.</summary>
[ApiTag("External sign-in", "Sign in with Google, Microsoft, GitHub or any OpenID Connect provider: start, the provider's callback, the app's exchange; and the identities linked to an account.")]
public sealed class ExternalLoginFunctions(ApiPipeline api, KeyedApi keyed, KeyAuthenticator authenticator, ExternalLoginService external)
{
    private static readonly ApiPolicy StartPolicy = new(RateLimit: RateLimits.Login);
    private static readonly ApiPolicy ExchangePolicy = new(AcceptsJson: true, RateLimit: RateLimits.Login);

    [Function(nameof(StartExternalLogin))]
    [EndpointSummary("Start a sign-in with a provider: ?redirectUri= (one of ExternalLogin__RedirectUris, exactly) and ?codeChallenge= (the app's PKCE S256 challenge); 302 to the provider. With a bearer key, the identity is linked to that account.")]
    [Response(StatusCodes.Status302Found)]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.ProviderNotConfigured, ProblemCodes.Unauthorized, ProblemCodes.TooManyRequests)]
    public Task<IResult> StartExternalLogin([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.ExternalLogin)] HttpRequest request) =>
        api.RunAsync(request, StartPolicy, async (request, cancellationToken) =>
        {
            Caller? linking = null;
            if (request.Headers.Authorization.Count > 0 && (linking = await authenticator.AuthenticateAsync(request, cancellationToken)) is null)
            {
                return Problems.Unauthorized();
            }

            return await external.StartAsync(ProviderOf(request), request.Query["redirectUri"], request.Query["codeChallenge"], linking, cancellationToken) switch
            {
                ExternalStart.Redirect redirect => TypedResults.Redirect(redirect.Url),
                ExternalStart.Invalid invalid => Problems.Validation(invalid.Field, invalid.Message),
                _ => Problems.ProviderNotConfigured(),
            };
        });

    [Function(nameof(ExternalLoginCallback))]
    [EndpointSummary("Where the provider sends the person back: 302 to the app's redirectUri with ?code= (or ?error=external_login_failed).")]
    [Response(StatusCodes.Status302Found)]
    [ProblemResponses(ProblemCodes.ExternalLoginFailed)]
    public Task<IResult> ExternalLoginCallback([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.ExternalLoginCallback)] HttpRequest request) =>
        api.RunAsync(request, ApiPolicy.Default, async (request, cancellationToken) =>
            await external.CallbackAsync(ProviderOf(request), request.Query["code"], request.Query["state"], request.Query["error"], cancellationToken) is { } back
                ? TypedResults.Redirect(back)
                : Problems.ExternalLoginFailed());

    [Function(nameof(ExchangeExternalLogin))]
    [EndpointSummary("The app exchanges the code and its PKCE verifier for a session (mfa_required where a second factor is on).")]
    [JsonRequest(typeof(ExchangeExternalLoginRequest))]
    [Response(StatusCodes.Status200OK, typeof(ExternalLoginResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.ExternalLoginFailed, ProblemCodes.MfaRequired, ProblemCodes.AccountDisabled, ProblemCodes.EmailNotVerified, ProblemCodes.TooManyRequests)]
    public Task<IResult> ExchangeExternalLogin([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ExternalLoginExchange)] HttpRequest request) =>
        api.RunAsync(request, ExchangePolicy, async (request, cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.ExchangeExternalLoginRequest, cancellationToken);
            if (body.Problem is { } problem)
            {
                return problem;
            }

            var input = body.Value!;
            if (Problems.Required(("code", string.IsNullOrWhiteSpace(input.Code)), ("codeVerifier", string.IsNullOrWhiteSpace(input.CodeVerifier))) is { } missing)
            {
                return missing;
            }

            var (outcome, created) = await external.ExchangeAsync(input.Code!, input.CodeVerifier!, ClientNetwork.Of(ClientInfo.Current?.Ip), cancellationToken);
            return outcome is LoginOutcome.Success s
                ? TypedResults.Ok(new ExternalLoginResponse(s.User.ToDto(), s.Token.ToDto(s.Key), created))
                : AccountFunctions.ToResult(outcome, challenge: null);
        });

    [Function(nameof(ListIdentities))]
    [EndpointSummary("The external identities linked to the caller's account.")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(IdentityListResponse))]
    [ProblemResponses]
    public Task<IResult> ListIdentities([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.Identities)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, async (caller, _, cancellationToken) =>
            TypedResults.Ok(new IdentityListResponse([.. (await external.ListAsync(caller, cancellationToken)).Select(i => i.ToDto())])));

    [Function(nameof(UnlinkIdentity))]
    [EndpointSummary("Unlink one of the caller's identities; the only way left into an account is refused.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.NotFound, ProblemCodes.LastSignInMethod)]
    public Task<IResult> UnlinkIdentity([HttpTrigger(AuthorizationLevel.Anonymous, "delete", "options", Route = Routes.Identity)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, async (caller, request, cancellationToken) =>
            request.RouteValues["id"] is not string id || !IdentityStore.IsIdentityId(id) ? Problems.NotFound() : await external.UnlinkAsync(caller, id, cancellationToken) switch
            {
                RemovalOutcome.Removed => TypedResults.NoContent(),
                RemovalOutcome.LastSignInMethod => Problems.LastSignInMethod(),
                _ => Problems.NotFound(),
            });

    private static string ProviderOf(HttpRequest request) => request.RouteValues["provider"] as string ?? "";
}
