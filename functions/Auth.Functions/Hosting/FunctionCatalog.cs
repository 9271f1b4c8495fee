using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Auth.Functions.Hosting;

/// <summary>An HTTP function: its route and methods, as its <c>[HttpTrigger]</c> declares them.</summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, MethodInfo Method)
{
    /// <summary>Creates the function's class the way the worker does, and calls the method.</summary>
    public Func<IServiceProvider, HttpRequest, Task<IResult>> Invoke { get; } = FunctionCatalog.Compile<Func<IServiceProvider, HttpRequest, Task<IResult>>>(Method);
}

/// <summary>A queue function: the queue and the connection setting its <c>[QueueTrigger]</c> names.</summary>
public sealed record QueueFunction(string Name, string QueueName, string Connection, MethodInfo Method)
{
    public Func<IServiceProvider, string, CancellationToken, Task> Invoke { get; } = FunctionCatalog.Compile<Func<IServiceProvider, string, CancellationToken, Task>>(Method);
}

/// <summary>A timer function: the schedule its <c>[TimerTrigger]</c> declares (<c>%Setting%</c> unresolved).</summary>
public sealed record TimerFunction(string Name, string Schedule, MethodInfo Method)
{
    public Func<IServiceProvider, TimerInfo, CancellationToken, Task> Invoke { get; } = FunctionCatalog.Compile<Func<IServiceProvider, TimerInfo, CancellationToken, Task>>(Method);
}

/// <summary>
/// The app's functions, read from the same attributes the Functions SDK reads to write
/// <c>functions.metadata</c>. The standalone server serves and drives exactly these, so the two
/// hosts cannot disagree on a route, a method, a queue or a schedule.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<Type> FunctionClasses { get; } = typeof(FunctionCatalog).Assembly.GetTypes()
        .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<HttpFunction> Http { get; } = Find<HttpTriggerAttribute, HttpFunction>((name, trigger, method) =>
        new HttpFunction(
            name,
            trigger.Route ?? throw new InvalidOperationException($"{name} has no route."),
            (trigger.Methods ?? throw new InvalidOperationException($"{name} has no methods.")).Select(m => m.ToUpperInvariant()).ToList(),
            method));

    public static IReadOnlyList<QueueFunction> Queue { get; } = Find<QueueTriggerAttribute, QueueFunction>((name, trigger, method) =>
        new QueueFunction(name, trigger.QueueName, trigger.Connection ?? "AzureWebJobsStorage", method));

    public static IReadOnlyList<TimerFunction> Timer { get; } = Find<TimerTriggerAttribute, TimerFunction>((name, trigger, method) =>
        new TimerFunction(name, trigger.Schedule, method));

    private static List<TFunction> Find<TTrigger, TFunction>(Func<string, TTrigger, MethodInfo, TFunction> create)
        where TTrigger : Attribute =>
        FunctionClasses
            .SelectMany(t => t.GetMethods())
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().FirstOrDefault()?.GetCustomAttribute<TTrigger>()))
            .Where(f => f.Function is not null && f.Trigger is not null)
            .Select(f => create(f.Function!.Name, f.Trigger!, f.Method))
            .ToList();

    /// <summary>
    /// A delegate that makes the function's class with <see cref="ActivatorUtilities"/> from the given
    /// services (as the worker's activator does, once per invocation) and calls the method with the
    /// delegate's remaining arguments.
    /// </summary>
    internal static TDelegate Compile<TDelegate>(MethodInfo method)
        where TDelegate : Delegate
    {
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var services = Expression.Parameter(typeof(IServiceProvider), "services");
        var arguments = invoke.GetParameters().Skip(1).Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToList();
        var factory = ActivatorUtilities.CreateFactory(method.DeclaringType!, []);
        var instance = Expression.Convert(
            Expression.Invoke(Expression.Constant(factory), services, Expression.Constant(null, typeof(object[]))),
            method.DeclaringType!);
        var call = Expression.Call(instance, method, arguments);
        return Expression.Lambda<TDelegate>(call, [services, .. arguments]).Compile();
    }
}
