using Auth.Functions.Http;
using Microsoft.AspNetCore.Routing.Template;

namespace Auth.Functions.Hosting;

/// <summary>The methods of each HTTP route, from the functions' triggers: what a preflight may allow.</summary>
public sealed class FunctionRouteMethods : IRouteMethods
{
    // Routes without parameters first: /api/tokens/revoke is that route, not /api/tokens/{id}.
    private static readonly (TemplateMatcher Matcher, string[] Methods)[] Routes = FunctionCatalog.Http
        .GroupBy(f => f.Route)
        .OrderBy(g => g.Key.Contains('{'))
        .Select(g => (
            new TemplateMatcher(TemplateParser.Parse(g.Key), []),
            g.SelectMany(f => f.Methods).Where(m => !HttpMethods.IsOptions(m)).Distinct().ToArray()))
        .ToArray();

    public IReadOnlyList<string> MethodsOf(PathString path)
    {
        foreach (var (matcher, methods) in Routes)
        {
            if (matcher.TryMatch(path, []))
            {
                return methods;
            }
        }

        return [];
    }
}
