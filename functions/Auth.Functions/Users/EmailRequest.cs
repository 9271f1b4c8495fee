using System.Text.Json.Serialization.Metadata;
using Auth.Functions.Http;

namespace Auth.Functions.Users;

/// <summary>
/// The anonymous "email this address" requests (forgot password, resend verification): a JSON body
/// whose one field is an email. Whatever the address, the caller queues the same message and gives
/// the same answer, reading no account, so neither the body nor the timing reveals one.
/// </summary>
public static class EmailRequest
{
    /// <summary>The parsed address, or the problem to answer (a bad body, a missing or invalid <c>email</c>).</summary>
    public static async Task<(EmailAddress? Email, IResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, Func<T, string?> email, CancellationToken cancellationToken)
        where T : class
    {
        var body = await JsonBody.ReadAsync(request, type, cancellationToken);
        if (body.Problem is { } problem)
        {
            return (null, problem);
        }

        var input = email(body.Value!);
        return EmailAddress.TryParse(input, out var parsed)
            ? (parsed, null)
            : (null, Problems.Validation("email", EmailAddress.Refusal(input)));
    }
}
