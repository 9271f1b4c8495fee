using Auth.Functions.Events;
using Auth.Functions.Storage;

namespace Auth.Functions.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>Security notifications: the account-email queue, the listener that fills it, the worker that empties it.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section)
            .Validate(o => o.SendAfter >= TimeSpan.Zero && o.SendAfter < AccountEmailWorker.WriteGrace,
                $"{NotificationOptions.Section}:SendAfter must be from 0 to under a minute.").ValidateOnStart();
        services.AddSingleton<AccountEmailQueue>();
        services.AddSingleton<IQueueDeclaration>(sp => sp.GetRequiredService<AccountEmailQueue>());
        services.AddSingleton<ISecurityEventListener, AccountEmailAnnouncer>();
        services.AddSingleton<AccountEmailWorker>();
        services.AddSingleton<AccountErasedEmails>();
        services.AddSingleton<IAccountEmailKind>(sp => sp.GetRequiredService<AccountErasedEmails>());
        return services;
    }
}
