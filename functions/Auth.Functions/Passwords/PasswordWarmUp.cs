namespace Auth.Functions.Passwords;

/// <summary>Makes the dummy hash before the app serves: if it cannot be made, the app does not start.</summary>
internal sealed class PasswordWarmUp(PasswordService passwords) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        passwords.WarmUp();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
