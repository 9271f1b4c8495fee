using Auth.Functions.Accounts;
using Auth.Functions.Email;
using Auth.Functions.Events;
using Auth.Functions.Identities;
using Auth.Functions.Notifications;
using Auth.Functions.Purge;
using Auth.Functions.Storage;
using Auth.Functions.Users;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Auth.Functions.Bench;

/// <summary>The purge with its collaborators built by hand over the benchmark's tables (no container, no email).</summary>
internal static class PurgeParts
{
    public static PurgeService Create(AuthTables tables, QueueServiceClient queues, StorageOptions storage, ExpiryIndex expiry, SecurityEvents events, TimeProvider clock)
    {
        var users = new UserStore(tables, expiry, events, clock);
        // Erased accounts would get a last email; the benchmarks erase none, and send nothing.
        var lastEmail = new AccountErasedEmails(
            new AccountEmailQueue(queues, storage), new NoEmail(), clock, Options.Create(new NotificationOptions { AccountErased = false }), NullLogger<AccountErasedEmails>.Instance);
        return new PurgeService(
            tables, expiry, events, users, clock, Options.Create(new LoginThrottleOptions()), Options.Create(new AccountOptions()),
            new NetworkFailureLimit(tables, expiry, clock, Options.Create(new LoginThrottleOptions())),
            new AccountErasure(tables, users, new IdentityStore(tables, expiry, events, clock, Options.Create(new ExternalLoginOptions())), expiry, lastEmail, clock, NullLogger<AccountErasure>.Instance));
    }

    private sealed class NoEmail : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
