using Auth.Functions.Tokens;

namespace Auth.Functions.Admin;

/// <summary>The admin key a call came with, as read when it was checked.</summary>
public sealed record AdminCaller(AdminKeyEntity Key)
{
    public string KeyId => Key.KeyId;
}
