namespace Auth.Functions.Secrets;

/// <summary>Loads the keys before the app serves: without them it does not start.</summary>
internal sealed class SecretKeyLoader(SecretKeyRing ring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ring.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
