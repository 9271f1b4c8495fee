namespace Auth.Functions.Admin;

/// <param name="Reason">Why, for the admin's records (at most 200 characters); the user is not shown it.</param>
public sealed record DisableUserRequest(string? Reason = null);
