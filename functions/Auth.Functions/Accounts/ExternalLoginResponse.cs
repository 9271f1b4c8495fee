namespace Auth.Functions.Accounts;

/// <param name="Created">This sign-in created the account.</param>
public sealed record ExternalLoginResponse(UserDto User, Tokens.TokenDto Token, bool Created);
