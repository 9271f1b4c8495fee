using System.Net;

namespace Auth.Functions.Hosting;

/// <summary>
/// Who drives the app. Under the Functions host (custom handler) the host passes the port to
/// listen on and owns the triggers; standalone, the app listens on 7071 and drives them itself.
/// </summary>
public sealed record HostingMode(int? CustomHandlerPort)
{
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    public bool UnderFunctionsHost => CustomHandlerPort is not null;

    public static HostingMode FromEnvironment()
    {
        var raw = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT")
            ?? Environment.GetEnvironmentVariable("FUNCTIONS_HTTPWORKER_PORT");
        return new HostingMode(int.TryParse(raw, out var port) && port is > 0 and < 65536 ? port : null);
    }
}

public static class HostingModeExtensions
{
    public static WebApplicationBuilder UseHostingMode(this WebApplicationBuilder builder, HostingMode mode)
    {
        builder.Services.AddSingleton(mode);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies over 16 KiB are refused by the API anyway; this bounds what a client can make us read.
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        if (mode.CustomHandlerPort is int port)
        {
            // The host forwards to 127.0.0.1:{port} over plain http; an inherited ASPNETCORE_URLS must not win.
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(HostingMode.DefaultStandaloneUrl);
        }

        return builder;
    }
}
