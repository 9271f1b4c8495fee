using Auth.Functions.Http;
using Auth.Functions.Passwords;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;
using Auth.Functions.Users;
using Auth.Functions.Verification;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Accounts;

/// <summary>Register, Login, LoginBasic, Me and Logout.</summary>
[ApiTag("Accounts", "Registration, login with a password (JSON or Basic), the calling key and logout.")]
public sealed class AccountFunctions(
    ApiPipeline api,
    KeyedApi keyed,
    UserStore users,
    PasswordService passwords,
    LoginService login,
    TokenStore tokens,
    VerificationEmails verificationEmails,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<AccountOptions> accounts,
    ILogger<AccountFunctions> logger)
{
    public const int MaxDisplayNameLength = 100;

    private static readonly ApiPolicy RegisterPolicy = new(AcceptsJson: true, RateLimit: RateLimits.Register);
    private static readonly ApiPolicy LoginPolicy = new(AcceptsJson: true, RateLimit: RateLimits.Login);
    private static readonly ApiPolicy LoginBasicPolicy = new(RateLimit: RateLimits.Login);

    [Function(nameof(Register))]
    [EndpointSummary("Create an account.")]
    [JsonRequest(typeof(RegisterRequest))]
    [Response(StatusCodes.Status201Created, typeof(UserResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.EmailTaken, ProblemCodes.TooManyRequests)]
    public Task<IResult> Register([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.Register)] HttpRequest request) =>
        api.RunAsync(request, RegisterPolicy, RegisterAsync);

    [Function(nameof(Login))]
    [EndpointSummary("Log in with email and password; returns a 24-hour session key.")]
    [JsonRequest(typeof(LoginRequest))]
    [Response(StatusCodes.Status200OK, typeof(LoginResponse))]
    [ProblemResponses(ProblemCodes.ValidationFailed, ProblemCodes.InvalidCredentials, ProblemCodes.EmailNotVerified, ProblemCodes.AccountDisabled, ProblemCodes.MfaRequired, ProblemCodes.TooManyRequests)]
    public Task<IResult> Login([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.Login)] HttpRequest request) =>
        api.RunAsync(request, LoginPolicy, LoginAsync);

    [Function(nameof(LoginBasic))]
    [EndpointSummary("Log in with Authorization: Basic base64(email:password).")]
    [Response(StatusCodes.Status200OK, typeof(LoginResponse))]
    [ProblemResponses(ProblemCodes.InvalidCredentials, ProblemCodes.EmailNotVerified, ProblemCodes.AccountDisabled, ProblemCodes.MfaRequired, ProblemCodes.TooManyRequests)]
    public Task<IResult> LoginBasic([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Login)] HttpRequest request) =>
        api.RunAsync(request, LoginBasicPolicy, LoginBasicAsync);

    [Function(nameof(Me))]
    [EndpointSummary("The caller's user and the presented key: the call apps use to validate a key.")]
    [RequiresKey]
    [Response(StatusCodes.Status200OK, typeof(MeResponse))]
    [ProblemResponses]
    public Task<IResult> Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", "options", Route = Routes.Me)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, (caller, _, _) => Task.FromResult<IResult>(MeOf(caller)));

    [Function(nameof(Logout))]
    [EndpointSummary("Revoke the presented key.")]
    [RequiresKey]
    [Response(StatusCodes.Status204NoContent)]
    [ProblemResponses]
    public Task<IResult> Logout([HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = Routes.Logout)] HttpRequest request) =>
        keyed.RunAsync(request, ApiPolicy.Default, LogoutAsync);

    private async Task<IResult> RegisterAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.RegisterRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var errors = new Dictionary<string, string[]>();
        if (!EmailAddress.TryParse(input.Email, out var email))
        {
            errors["email"] = [EmailAddress.Refusal(input.Email)];
        }

        if (input.Password is null)
        {
            errors["password"] = ["Is required."];
        }
        else if (PasswordPolicy.Check(input.Password, input.Email) is { } reason)
        {
            errors["password"] = [reason];
        }

        var displayName = input.DisplayName?.Trim();
        if (displayName is { Length: > MaxDisplayNameLength } || (displayName?.Any(char.IsControl) ?? false))
        {
            errors["displayName"] = [$"Must be at most {MaxDisplayNameLength} characters, without control characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // A taken email is refused before the expensive hash; the insert below still decides races.
        if (await users.EmailTakenAsync(email!.Key, cancellationToken))
        {
            AuthEvents.RegisterEmailTaken(logger);
            return Problems.EmailTaken();
        }

        var now = clock.GetUtcNow();
        var user = new UserEntity
        {
            PartitionKey = UserStore.NewUserId(),
            Email = email.Display,
            NormalizedEmail = email.Normalized,
            DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName,
            PasswordHash = await passwords.HashAsync(input.Password!, cancellationToken),
            Created = now,
            PasswordChanged = now,
            EmailVerified = false,
        };

        if (await users.CreateAsync(user, email.Key, EraseIfUnverifiedAt(now), cancellationToken) == CreateUserOutcome.EmailTaken)
        {
            AuthEvents.RegisterEmailTaken(logger);
            return Problems.EmailTaken();
        }

        AuthEvents.Registered(logger, user.PartitionKey);
        try
        {
            await verificationEmails.RequestAsync(email.Key, cancellationToken);
        }
        catch (Exception e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The account exists: answering 503 now would make the client's retry fail with 409.
            AuthEvents.VerificationNotQueued(logger, e, user.PartitionKey);
        }

        return TypedResults.Created(Routes.PathOf(Routes.Me), new UserResponse(user.ToDto()));
    }

    /// <summary>
    /// While verification is required, an account never verified is erased after its lifetime (its
    /// address is freed); while it is not, unverified accounts are full accounts and are kept.
    /// </summary>
    private DateTimeOffset? EraseIfUnverifiedAt(DateTimeOffset created) =>
        accounts.Value.RequireVerifiedEmail ? created + accounts.Value.UnverifiedAccountLifetime : null;

    private async Task<IResult> LoginAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AccountsJsonContext.Default.LoginRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var email = input.Email ?? input.Username;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(email))
        {
            errors["email"] = ["Is required."];
        }

        if (string.IsNullOrEmpty(input.Password))
        {
            errors["password"] = ["Is required."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var totpCode = string.IsNullOrWhiteSpace(input.TotpCode) ? null : input.TotpCode;
        return ToResult(await login.LoginAsync(email!, input.Password!, totpCode, ClientNetwork.Of(ClientInfo.Current?.Ip), cancellationToken), challenge: null);
    }

    private async Task<IResult> LoginBasicAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            || !KeyAuthenticator.TryReadCredentials(header, out var password, out var email)
            || email is null)
        {
            return Problems.Unauthorized(Problems.BasicChallenge);
        }

        return ToResult(await login.LoginAsync(email, password, totpCode: null, ClientNetwork.Of(ClientInfo.Current?.Ip), cancellationToken), Problems.BasicChallenge);
    }

    /// <summary>The user row was read with the key, in the same round trip: no second read.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.Ok<MeResponse> MeOf(Caller caller) =>
        TypedResults.Ok(new MeResponse(caller.User.ToDto(), caller.Token.ToInfo(caller.TokenId)));

    private async Task<IResult> LogoutAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        await tokens.DeleteAsync(caller.UserId, caller.TokenId, cancellationToken);
        TokenEvents.TokenRevoked(logger, caller.UserId, caller.TokenId, "logout");
        return TypedResults.NoContent();
    }

    /// <summary>A login's outcome as the API answers it (Login, LoginBasic and LoginMfa alike).</summary>
    internal static IResult ToResult(LoginOutcome outcome, string? challenge) => outcome switch
    {
        LoginOutcome.Success s => TypedResults.Ok(new LoginResponse(s.User.ToDto(), s.Token.ToDto(s.Key))),
        LoginOutcome.Throttled t => Problems.TooManyRequests(t.RetryAfter),
        LoginOutcome.EmailNotVerified => Problems.EmailNotVerified(),
        LoginOutcome.AccountDisabled => Problems.AccountDisabled(),
        LoginOutcome.MfaRequired m => Problems.MfaRequired(m.Ticket, m.Expires, challenge),
        LoginOutcome.InvalidMfaCode => Problems.InvalidMfaCode(),
        LoginOutcome.PasskeyNotAccepted => Problems.PasskeyNotAccepted(),
        LoginOutcome.ExternalLoginFailed => Problems.ExternalLoginFailed(),
        _ => Problems.InvalidCredentials(challenge),
    };
}
