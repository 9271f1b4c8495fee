namespace Auth.Functions.Tokens;

public enum LinkLookup
{
    Valid,
    NotFound,
    Expired,
}
