using System.Reflection;
using Auth.Functions.Http;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Auth.Functions.Hosting;

/// <summary>
/// The HTTP functions as ASP.NET Core endpoints: each function's route and methods from its
/// <c>[HttpTrigger]</c>, its documentation attributes as metadata, and a handler that invokes the
/// function method itself. The standalone server serves these; the OpenAPI document describes them.
/// </summary>
public static class FunctionEndpoints
{
    public static IReadOnlyList<Endpoint> Build() => FunctionCatalog.Http.Select(Build).ToList();

    private static RouteEndpoint Build(HttpFunction function)
    {
        var builder = new RouteEndpointBuilder(context => ServeAsync(function, context), RoutePatternFactory.Parse(function.Route), order: 0)
        {
            DisplayName = function.Name,
        };

        // What API Explorer, and so the OpenAPI document, reads: the method, its verbs, its name.
        builder.Metadata.Add(function.Method);
        builder.Metadata.Add(new HttpMethodMetadata(function.Methods));
        builder.Metadata.Add(new EndpointNameMetadata(function.Name));
        builder.Metadata.Add(new RouteNameMetadata(function.Name));
        if (function.Method.DeclaringType!.GetCustomAttribute<ApiTagAttribute>() is { } tag)
        {
            builder.Metadata.Add(tag);
        }

        foreach (var attribute in function.Method.GetCustomAttributes())
        {
            if (attribute is ProblemResponsesAttribute problems)
            {
                var readsJson = function.Method.IsDefined(typeof(JsonRequestAttribute));
                var requiresKey = function.Method.IsDefined(typeof(RequiresKeyAttribute)) || function.Method.IsDefined(typeof(RequiresAdminKeyAttribute));
                foreach (var problem in problems.AsMetadata(readsJson, requiresKey))
                {
                    builder.Metadata.Add(problem);
                }
            }
            else if (attribute is not Microsoft.Azure.Functions.Worker.FunctionAttribute)
            {
                builder.Metadata.Add(attribute);
            }
        }

        return (RouteEndpoint)builder.Build();
    }

    private static async Task ServeAsync(HttpFunction function, HttpContext context)
    {
        var result = await function.Invoke(context.RequestServices, context.Request);
        await result.ExecuteAsync(context);
    }

    /// <summary>A fixed set of endpoints (the list never changes at run time).</summary>
    public sealed class DataSource(IReadOnlyList<Endpoint> endpoints) : EndpointDataSource
    {
        public override IReadOnlyList<Endpoint> Endpoints => endpoints;

        public override Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => Microsoft.Extensions.FileProviders.NullChangeToken.Singleton;
    }
}
