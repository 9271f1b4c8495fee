namespace Auth.Functions.Admin;

public sealed record AdminUserResponse(AdminUserDto User);
