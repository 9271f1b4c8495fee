using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Auth.Functions.Tests.Infrastructure;

/// <summary>A page of some other app, served on localhost (both loopbacks) for a browser test to open.</summary>
public static class LocalSite
{
    /// <summary>Serves <paramref name="html"/> at <paramref name="path"/> on <paramref name="port"/>; disposing stops it.</summary>
    public static async Task<WebApplication> ServeAsync(int port, string path, string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
        var site = builder.Build();
        site.MapGet(path, () => Results.Content(html, "text/html; charset=utf-8"));
        await site.StartAsync();
        return site;
    }
}
