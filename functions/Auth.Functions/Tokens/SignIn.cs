namespace Auth.Functions.Tokens;

/// <summary>How a session's login was proven, as its <c>login_succeeded</c> event records it.</summary>
/// <param name="Method"><c>password</c>, <c>passkey</c> or <c>external:{provider}</c>.</param>
/// <param name="Mfa">Whether a second factor was proven too.</param>
public sealed record SignIn(string Method, bool Mfa)
{
    public const string Password = "password";
    public const string Passkey = "passkey";

    public static string External(string provider) => "external:" + provider;
}
