using System.Collections.Concurrent;

namespace Auth.Functions.Passwords;

/// <summary>
/// Threads of their own for the password hashes. A hash holds its thread for its whole computation;
/// on the thread pool, a few hashes at once on a 2-core machine leave no thread for the requests'
/// storage continuations, which then wait in the pool while their storage budget runs, and a burst
/// of logins ends in 503s with storage healthy. Here the pool stays free for everything else.
/// </summary>
internal sealed class HashingThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread[] _threads;

    /// <param name="count">As many as hashes may run at once (<see cref="PasswordService"/>'s slots), so work never waits here.</param>
    public HashingThreads(int count)
    {
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Run) { IsBackground = true, Name = $"password-hashing-{i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a hashing thread; the caller's continuation runs on the pool, not here.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _work.Dispose();
    }
}
