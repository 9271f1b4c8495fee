namespace Auth.Functions.Http;

/// <summary>The methods each API route has, for preflights (the Hosting feature knows the functions).</summary>
public interface IRouteMethods
{
    /// <summary>The methods of the functions at <paramref name="path"/>, OPTIONS left out; empty for no route.</summary>
    IReadOnlyList<string> MethodsOf(PathString path);
}
