using Auth.Functions.Admin;
using Auth.Functions.Hosting;

// One executable, two hosts (README, "How it is hosted"), and the admin commands.
if (AdminCli.IsCommand(args))
{
    return await AdminCli.RunAsync(args, Console.Out, Console.Error);
}

if (FunctionsWorker.LaunchedByHost(args))
{
    FunctionsWorker.CreateBuilder(args).Build().Run();
}
else
{
    StandaloneServer.Build(args).Run();
}

return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
