using System.Security.Cryptography;

namespace Auth.Functions.Http;

/// <summary>
/// The frame of the pages that emails link to (reset, verification). Their links carry a token in
/// the fragment: each page's script takes it out of the address bar at once and sends it only in a
/// POST body. The frame sends no referrer, allows only its own nonce'd script and style, cannot be
/// framed or cached, and never echoes anything from the request.
/// </summary>
public static class HostedPage
{
    /// <param name="main">The page's markup inside <c>&lt;main&gt;</c>; anything dynamic in it already HTML-encoded.</param>
    /// <param name="script">The page's script, run after <see cref="Prelude"/>; it reads what it needs from <c>data-</c> attributes in <paramref name="main"/>.</param>
    public static IResult Render(HttpContext context, string title, string main, string script)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; " +
            "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        return TypedResults.Content(Html(nonce, title, main, Prelude + script), "text/html; charset=utf-8");
    }

    /// <summary>
    /// What every page's script starts with: the token from the link's fragment, then gone from the
    /// address bar and history (a token in a query would reach the server's and any proxy's logs, so a
    /// <c>?token=</c> link is not read: it counts as incomplete); the status line (an element with id
    /// <c>status</c>); and a JSON POST that sends no cookie and no referrer.
    /// </summary>
    public const string Prelude = """
        const token = new URLSearchParams(location.hash.slice(1)).get('token');
        history.replaceState(null, '', location.pathname);
        const status = document.getElementById('status');
        const setStatus = (message, kind) => { status.textContent = message; status.className = kind; };
        const show = (element, message) => { element.textContent = message; element.hidden = !message; };
        const invalid = (input, on) => input.setAttribute('aria-invalid', on ? 'true' : 'false');
        const post = (endpoint, body) => fetch(endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });

        """;

    private static string Html(string nonce, string title, string main, string script) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="referrer" content="no-referrer">
          <title>{{title}}</title>
          <style nonce="{{nonce}}">
            body { font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; background: #f6f6f6; margin: 0; }
            main { max-width: 26rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: .5rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
            h1 { font-size: 1.5rem; margin-top: 0; }
            label { display: block; font-weight: 600; margin-top: 1rem; }
            input { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; padding: .5rem; margin-top: .25rem; border: 1px solid #767676; border-radius: .25rem; }
            input:focus, button:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
            .hint { font-size: .875rem; color: #4a4a4a; margin: .25rem 0 0; }
            .error { color: #a51d2d; font-size: .9rem; margin: .25rem 0 0; }
            button { margin-top: 1.5rem; font-size: 1rem; padding: .6rem 1.2rem; border: 0; border-radius: .25rem; background: #1a5fb4; color: #fff; cursor: pointer; }
            button[disabled] { opacity: .6; cursor: progress; }
            #status { margin-top: 1.5rem; }
            #status.ok { color: #26662e; font-weight: 600; }
            #status.bad { color: #a51d2d; }
          </style>
        </head>
        <body>
          <main>
            <h1>{{title}}</h1>
        {{main}}
            <noscript><p>This page needs JavaScript.</p></noscript>
          </main>
          <script nonce="{{nonce}}">
            (() => {
        {{script}}
            })();
          </script>
        </body>
        </html>
        """;
}
