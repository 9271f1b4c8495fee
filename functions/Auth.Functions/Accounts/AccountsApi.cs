using Auth.Functions.Hosting;
using Auth.Functions.Http;
using Auth.Functions.Passwords;
using Auth.Functions.Storage;
using Auth.Functions.Tokens;

namespace Auth.Functions.Accounts;

/// <summary>Register, Login, LoginBasic, Me and Logout.</summary>
public static class AccountsApi
{
    public const int MaxDisplayNameLength = 100;

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app, RouteGroupBuilder authenticated)
    {
        app.MapFunction("Register", RegisterAsync)
            .RequireRateLimiting(RateLimits.Register)
            .Accepts<RegisterRequest>("application/json")
            .Produces<UserResponse>(StatusCodes.Status201Created)
            .WithProblems(400, 409, 413, 415, 429, 503)
            .WithSummary("Create an account.");

        app.MapFunction("Login", LoginAsync)
            .Accepts<LoginRequest>("application/json")
            .Produces<LoginResponse>()
            .WithProblems(400, 401, 413, 415, 429, 503)
            .WithSummary("Log in with email and password; returns a 24-hour session key.");

        app.MapFunction("LoginBasic", LoginBasicAsync)
            .Produces<LoginResponse>()
            .WithProblems(401, 429, 503)
            .WithSummary("Log in with Authorization: Basic base64(email:password).");

        authenticated.MapFunction("Me", Me)
            .Produces<MeResponse>()
            .WithProblems(401, 503)
            .WithSummary("The caller's user and the presented key: the call apps use to validate a key.");

        authenticated.MapFunction("Logout", LogoutAsync)
            .Produces(StatusCodes.Status204NoContent)
            .WithProblems(401, 503)
            .WithSummary("Revoke the presented key.");

        return app;
    }

    public static async Task<IResult> RegisterAsync(
        HttpRequest request, UserStore users, PasswordService passwords, TimeProvider clock, ILogger<UserStore> logger, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AppJsonContext.Default.RegisterRequest, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var input = body.Value!;
        var errors = new Dictionary<string, string[]>();
        if (!EmailAddress.TryParse(input.Email, out var email))
        {
            errors["email"] = [input.Email is null ? "Is required." : "Must be a valid email address."];
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
        };

        if (await users.CreateAsync(user, email.Key, cancellationToken) == CreateUserOutcome.EmailTaken)
        {
            AuthEvents.RegisterEmailTaken(logger);
            return Problems.EmailTaken();
        }

        AuthEvents.Registered(logger, user.PartitionKey);
        return TypedResults.Created($"/api/auth/me", new UserResponse(user.ToDto()));
    }

    public static async Task<IResult> LoginAsync(HttpRequest request, LoginService login, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, AppJsonContext.Default.LoginRequest, cancellationToken);
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

        return ToResult(await login.LoginAsync(email!, input.Password!, cancellationToken), challenge: null);
    }

    public static async Task<IResult> LoginBasicAsync(HttpRequest request, LoginService login, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            || !KeyAuthenticator.TryReadCredentials(header, out var password, out var email)
            || email is null)
        {
            return Problems.Unauthorized(Problems.BasicChallenge);
        }

        return ToResult(await login.LoginAsync(email, password, cancellationToken), Problems.BasicChallenge);
    }

    /// <summary>The user row was read with the key, in the same round trip: no second read.</summary>
    public static IResult Me(HttpContext context)
    {
        var caller = context.GetCaller();
        return TypedResults.Ok(new MeResponse(caller.User.ToDto(), caller.Token.ToInfo(caller.TokenId)));
    }

    public static async Task<IResult> LogoutAsync(HttpContext context, TokenStore tokens, ILogger<TokenStore> logger, CancellationToken cancellationToken)
    {
        var caller = context.GetCaller();
        await tokens.DeleteAsync(caller.UserId, caller.TokenId, cancellationToken);
        AuthEvents.TokenRevoked(logger, caller.UserId, caller.TokenId, "logout");
        return TypedResults.NoContent();
    }

    private static IResult ToResult(LoginOutcome outcome, string? challenge) => outcome switch
    {
        LoginOutcome.Success s => TypedResults.Ok(new LoginResponse(s.User.ToDto(), s.Token.ToDto(s.Key))),
        LoginOutcome.Throttled t => Problems.TooManyRequests(t.RetryAfter),
        _ => Problems.InvalidCredentials(challenge),
    };
}
