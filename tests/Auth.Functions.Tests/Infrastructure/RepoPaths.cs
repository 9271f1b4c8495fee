namespace Auth.Functions.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string NodeBin(string name) => Path.Combine(Root, "node_modules", ".bin", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Auth.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the tests from inside the repository (Auth.Functions.sln not found).");
    }
}
