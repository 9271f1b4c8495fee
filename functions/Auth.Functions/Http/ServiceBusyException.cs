namespace Auth.Functions.Http;

/// <summary>A bounded resource of this instance is saturated: the answer is 429 with <c>Retry-After</c>.</summary>
public class ServiceBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
