using Auth.Functions.Tests.Infrastructure;

// A test OpenID Connect provider on http://localhost:7072 (or the port given): whoever is sent to it is
// signed in at once as dev-user@example.com (verified). For trying external sign-in locally only.
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7072;
await using var provider = await TestOidcProvider.StartAsync(port);
provider.Person = new TestPerson("dev-user", "dev-user@example.com", EmailVerified: true);
Console.WriteLine($"Test OpenID Connect provider at {provider.Issuer} (client id {TestOidcProvider.ClientId}); it signs in {provider.Person.Email} at once. Ctrl-C to stop.");
var stopped = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopped.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
await stopped.Task;
