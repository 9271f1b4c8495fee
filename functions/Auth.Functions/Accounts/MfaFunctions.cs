using Auth.Functions.Http;
using Auth.Functions.Tokens;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>The second factor: TOTP enrolment and removal, recovery codes, and a login's second step.</summary>
[ApiTag("Second factor", "TOTP (RFC 6238) with recovery codes: enrol, confirm, remove, replace the codes, and complete a login that answered mfa_required.")]
public sealed class MfaFunctions(ApiPipeline api, KeyedApi keyed, MfaSettingsService settings, LoginService login)
{
    private static readonly ApiPolicy LoginMfaPolicy = new(AcceptsJson: true, RateLimit: RateLimits.Login);

    [Function(nameof(BeginTotp))]
    [EndpointSummary("Begin TOTP enrolment with the current password: a secret, its otpauth URI and a QR code. Nothing is enforced until confirmed.")]
    [RequiresKey]
    [JsonRequest(typeof(BeginTotpRequest))]
    [Response(StatusCodes.Status200OK, typeof(TotpEnrolmentResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.ReauthenticationRequired, ProblemCodes.MfaAlreadyEnabled, ProblemCodes.TooManyRequests)]
    public Task<IResult> BeginTotp([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.Totp)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, BeginAsync);

    [Function(nameof(ConfirmTotp))]
    [EndpointSummary("Confirm enrolment with a code from the app: the second factor is on, and ten recovery codes are shown this once.")]
    [RequiresKey]
    [JsonRequest(typeof(ConfirmTotpRequest))]
    [Response(StatusCodes.Status200OK, typeof(RecoveryCodesResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.InvalidMfaCode, ProblemCodes.MfaAlreadyEnabled, ProblemCodes.MfaNotEnabled)]
    public Task<IResult> ConfirmTotp([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.ConfirmTotp)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, ConfirmAsync);

    [Function(nameof(DisableTotp))]
    [EndpointSummary("Remove the second factor, with the current password and a TOTP or recovery code.")]
    [RequiresKey]
    [JsonRequest(typeof(DisableTotpRequest))]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.ReauthenticationRequired, ProblemCodes.InvalidMfaCode, ProblemCodes.MfaNotEnabled, ProblemCodes.TooManyRequests)]
    public Task<IResult> DisableTotp([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Totp)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, DisableAsync);

    [Function(nameof(RegenerateRecoveryCodes))]
    [EndpointSummary("Replace the recovery codes, with a TOTP or recovery code: the old set stops working.")]
    [RequiresKey]
    [JsonRequest(typeof(RegenerateRecoveryCodesRequest))]
    [Response(StatusCodes.Status200OK, typeof(RecoveryCodesResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.InvalidMfaCode, ProblemCodes.MfaNotEnabled, ProblemCodes.TooManyRequests)]
    public Task<IResult> RegenerateRecoveryCodes([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.RecoveryCodes)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Json, RegenerateAsync);

    [Function(nameof(LoginMfa))]
    [EndpointSummary("Complete a login that answered mfa_required: its ticket with a TOTP code or a recovery code.")]
    [JsonRequest(typeof(LoginMfaRequest))]
    [Response(StatusCodes.Status200OK, typeof(LoginResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.InvalidMfaCode, ProblemCodes.TooManyRequests)]
    public Task<IResult> LoginMfa([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.LoginMfa)] HttpRequest request) =>
        api.RunAsync(request, LoginMfaPolicy, LoginMfaAsync);

    private async Task<IResult> BeginAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.BeginTotpRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        // A missing password is a missing proof, as a wrong one is.
        return string.IsNullOrEmpty(body.Value!.Password)
            ? Problems.ReauthenticationRequired()
            : ToResult(await settings.BeginAsync(caller, body.Value.Password, NetworkOf(), cancellationToken));
    }

    private async Task<IResult> ConfirmAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.ConfirmTotpRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        return Problems.Required(("code", string.IsNullOrWhiteSpace(body.Value!.Code))) is { } missing
            ? missing
            : ToResult(await settings.ConfirmAsync(caller, body.Value.Code!, cancellationToken));
    }

    private async Task<IResult> DisableAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.DisableTotpRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        if (string.IsNullOrEmpty(input.Password))
        {
            return Problems.ReauthenticationRequired();
        }

        return Problems.Required(("code", string.IsNullOrWhiteSpace(input.Code))) is { } missing
            ? missing
            : ToResult(await settings.DisableAsync(caller, input.Password, input.Code!, NetworkOf(), cancellationToken));
    }

    private async Task<IResult> RegenerateAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.RegenerateRecoveryCodesRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        return Problems.Required(("code", string.IsNullOrWhiteSpace(body.Value!.Code))) is { } missing
            ? missing
            : ToResult(await settings.RegenerateAsync(caller, body.Value.Code!, NetworkOf(), cancellationToken));
    }

    private async Task<IResult> LoginMfaAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.LoginMfaRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var hasCode = !string.IsNullOrWhiteSpace(input.Code);
        var hasRecoveryCode = !string.IsNullOrWhiteSpace(input.RecoveryCode);
        if (Problems.Required(("mfaTicket", string.IsNullOrWhiteSpace(input.MfaTicket))) is { } missing)
        {
            return missing;
        }

        if (hasCode == hasRecoveryCode)
        {
            return Problems.Validation("code", "Send either code (from the authenticator app) or recoveryCode.");
        }

        return AccountFunctions.ToResult(
            await login.CompleteAsync(input.MfaTicket!, hasCode ? input.Code : null, hasRecoveryCode ? input.RecoveryCode : null, NetworkOf(), cancellationToken),
            challenge: null);
    }

    private static string NetworkOf() => ClientNetwork.Of(ClientInfo.Current?.Ip);

    private static IResult ToResult(MfaOutcome outcome) => outcome switch
    {
        MfaOutcome.Started s => TypedResults.Ok(new TotpEnrolmentResponse(s.Secret, s.OtpauthUri, s.QrSvg)),
        MfaOutcome.RecoveryCodesIssued r => TypedResults.Ok(new RecoveryCodesResponse(r.Codes)),
        MfaOutcome.Disabled => TypedResults.NoContent(),
        MfaOutcome.AlreadyEnabled => Problems.MfaAlreadyEnabled(),
        MfaOutcome.NotEnabled => Problems.MfaNotEnabled(),
        MfaOutcome.ReauthenticationRequired => Problems.ReauthenticationRequired(),
        MfaOutcome.Throttled t => Problems.TooManyRequests(t.RetryAfter),
        _ => Problems.InvalidMfaCode(),
    };
}
