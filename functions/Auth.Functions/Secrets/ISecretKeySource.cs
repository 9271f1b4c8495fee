namespace Auth.Functions.Secrets;

/// <summary>Reads every usable key, oldest first: the last one encrypts, all of them decrypt.</summary>
public interface ISecretKeySource
{
    /// <summary>The setting an operator fixes when this source fails (named in the start-up error).</summary>
    string Setting { get; }

    Task<IReadOnlyList<SecretKey>> LoadAsync(CancellationToken cancellationToken);
}
