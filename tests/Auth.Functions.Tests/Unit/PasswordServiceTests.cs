using Auth.Functions.Passwords;
using Microsoft.Extensions.Options;
using Moq;

namespace Auth.Functions.Tests.Unit;

/// <summary>The service around the hasher: normalisation, the dummy hash, the concurrency bound (hasher mocked).</summary>
public sealed class PasswordServiceTests
{
    private static PasswordService Service(IPasswordHasher hasher, int concurrency = 2, TimeSpan? queueTimeout = null) =>
        new(hasher, Options.Create(new PasswordHashingOptions { MaxConcurrency = concurrency, QueueTimeout = queueTimeout ?? TimeSpan.FromSeconds(5) }));

    [Fact]
    public async Task TheHasherSeesTheNfkcFormNeverTrimmed()
    {
        var hasher = new Mock<IPasswordHasher>();
        hasher.Setup(h => h.Hash(It.IsAny<string>())).Returns("$argon2id$stub");
        using var service = Service(hasher.Object);

        await service.HashAsync(" cafe\u0301 ", CancellationToken.None);

        hasher.Verify(h => h.Hash(" caf\u00e9 "), Times.Once);
    }

    [Fact]
    public async Task AnUnknownAccountCostsOneRealVerificationAgainstTheDummyHashAndNeverSucceeds()
    {
        var hasher = new Mock<IPasswordHasher>();
        hasher.Setup(h => h.Hash(It.IsAny<string>())).Returns("$argon2id$dummy");
        hasher.Setup(h => h.Verify("$argon2id$dummy", It.IsAny<string>())).Returns(PasswordVerification.Succeeded);
        using var service = Service(hasher.Object);

        var result = await service.VerifyAsync(storedHash: null, "whatever they typed", CancellationToken.None);

        Assert.Equal(PasswordVerification.Failed, result);
        hasher.Verify(h => h.Verify("$argon2id$dummy", "whatever they typed"), Times.Once);
        hasher.Verify(h => h.Hash(It.IsAny<string>()), Times.Once); // the dummy, made once
    }

    [Fact]
    public async Task WhenEverySlotStaysBusyTheNextCallerIsRefusedRatherThanQueuedForever()
    {
        using var release = new ManualResetEventSlim();
        var hasher = new Mock<IPasswordHasher>();
        hasher.Setup(h => h.Hash(It.IsAny<string>())).Returns(() =>
        {
            release.Wait(TimeSpan.FromSeconds(10));
            return "$argon2id$slow";
        });
        using var service = Service(hasher.Object, concurrency: 1, queueTimeout: TimeSpan.FromMilliseconds(50));

        var first = Task.Run(() => service.HashAsync("first password", CancellationToken.None));
        while (hasher.Invocations.Count == 0)
        {
            await Task.Delay(5);
        }

        await Assert.ThrowsAsync<HashingBusyException>(() => service.HashAsync("second password", CancellationToken.None));
        release.Set();
        Assert.Equal("$argon2id$slow", await first);
        Assert.Equal("$argon2id$slow", await service.HashAsync("third password", CancellationToken.None));
    }

    [Fact]
    public async Task AStoredHashTheHasherCannotUseCostsOneVerificationAgainstTheDummyAndFails()
    {
        var hasher = new Mock<IPasswordHasher>();
        hasher.Setup(h => h.Hash(It.IsAny<string>())).Returns("$argon2id$dummy");
        hasher.Setup(h => h.IsUsable("$argon2id$v=19$m=4294967,t=2,p=1$tampered")).Returns(false);
        using var service = Service(hasher.Object);

        var result = await service.VerifyAsync("$argon2id$v=19$m=4294967,t=2,p=1$tampered", "the right password", CancellationToken.None);

        Assert.Equal(PasswordVerification.Failed, result);
        hasher.Verify(h => h.Verify("$argon2id$dummy", "the right password"), Times.Once);
        hasher.Verify(h => h.Verify("$argon2id$v=19$m=4294967,t=2,p=1$tampered", It.IsAny<string>()), Times.Never);
    }

    [Fact]
    public async Task AFailedDummyHashStopsTheWarmUpAndIsNotKeptAsAFailure()
    {
        var hasher = new Mock<IPasswordHasher>();
        hasher.SetupSequence(h => h.Hash(It.IsAny<string>()))
            .Throws(new InvalidOperationException("libsodium could not hash"))
            .Returns("$argon2id$dummy");
        using var service = Service(hasher.Object);

        // At start-up: the hosted service throws, which stops the host.
        await Assert.ThrowsAsync<InvalidOperationException>(() => new PasswordWarmUp(service).StartAsync(CancellationToken.None));

        // Had the app gone on regardless, an unknown email would still get the same answer as a known one.
        Assert.Equal(PasswordVerification.Failed, await service.VerifyAsync(null, "whatever", CancellationToken.None));
        hasher.Verify(h => h.Verify("$argon2id$dummy", "whatever"), Times.Once);
    }
}
