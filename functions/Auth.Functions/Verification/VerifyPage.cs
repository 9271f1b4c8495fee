using System.Net;
using Auth.Functions.Http;

namespace Auth.Functions.Verification;

/// <summary>
/// The page a verification email links to (<c>#token=…</c>): a button that sends the token to
/// VerifyEmail and shows the outcome; after a dead link it offers to send a new one
/// (ResendVerification). In the <see cref="HostedPage"/> frame.
/// </summary>
/// <remarks>
/// Nothing is spent until a person presses the button: mail scanners open links and run their scripts,
/// and one that verified on load would verify an account somebody else registered with this address.
/// </remarks>
public static class VerifyPage
{
    public const string Title = "Verify your email address";

    public static IResult Render(HttpContext context) =>
        HostedPage.Render(context, Title,
            Markup(WebUtility.HtmlEncode(Routes.PathOf(Routes.VerifyEmail)), WebUtility.HtmlEncode(Routes.PathOf(Routes.ResendVerification))),
            Script);

    private static string Markup(string verifyEndpoint, string resendEndpoint) => $"""
        <p id="status" role="status" aria-live="polite">Confirm that this address is yours to finish setting up your account.</p>
        <button id="verify" type="button" data-endpoint="{verifyEndpoint}" hidden>Verify my email address</button>
        <form id="resend-form" data-endpoint="{resendEndpoint}" novalidate hidden>
          <label for="email">Your email address</label>
          <input id="email" name="email" type="email" autocomplete="email" required aria-describedby="email-error">
          <p id="email-error" class="error" hidden></p>
          <button type="submit">Send a new link</button>
        </form>
        """;

    private const string Script = """
        const form = document.getElementById('resend-form');
        const email = document.getElementById('email');
        const emailError = document.getElementById('email-error');
        const button = form.querySelector('button');

        const offerNewLink = (message) => { setStatus(message, 'bad'); form.hidden = false; };

        form.addEventListener('submit', async (event) => {
          event.preventDefault();
          show(emailError, ''); invalid(email, false);
          if (!email.value.includes('@')) {
            show(emailError, 'Enter the email address of your account.'); invalid(email, true); email.focus(); return;
          }
          button.disabled = true;
          try {
            const response = await post(form.dataset.endpoint, { email: email.value });
            const answer = await response.json().catch(() => null);
            if (response.status === 202) {
              form.hidden = true;
              setStatus(answer && answer.message ? answer.message : 'A new link is on its way.', 'ok');
            } else {
              setStatus((answer && answer.title) || 'Something went wrong. Please try again.', 'bad');
            }
          } catch {
            setStatus('The server could not be reached. Please try again.', 'bad');
          } finally {
            button.disabled = false;
          }
        });

        if (!token) {
          offerNewLink('This link is incomplete. Open the link from your email again, or ask for a new one.');
          return;
        }

        const verify = document.getElementById('verify');
        verify.hidden = false;
        verify.addEventListener('click', async () => {
          verify.disabled = true;
          setStatus('Verifying your email address…', '');
          try {
            const response = await post(verify.dataset.endpoint, { token });
            verify.hidden = true;
            if (response.status === 204) {
              setStatus('Your email address is verified. You can now sign in.', 'ok');
              return;
            }
            const problem = await response.json().catch(() => null);
            if (response.status === 404 || response.status === 410) {
              offerNewLink((problem && problem.title ? problem.title + ' ' : '') + 'If your address is not verified yet, ask for a new link.');
            } else {
              setStatus((problem && problem.title) || 'Something went wrong. Reload the page to try again.', 'bad');
            }
          } catch {
            verify.hidden = false;
            setStatus('The server could not be reached. Please try again.', 'bad');
          } finally {
            verify.disabled = false;
          }
        });
        """;
}
