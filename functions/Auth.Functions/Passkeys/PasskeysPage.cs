using System.Net;
using Auth.Functions.Http;

namespace Auth.Functions.Passkeys;

/// <summary>
/// The hosted passkey page (<c>/passkeys</c>), in the <see cref="HostedPage"/> frame: anyone signs in
/// with a passkey (no email typed); someone signed in (with a passkey, or with email and password and a
/// code where a second factor is on) adds a passkey, sees their passkeys and removes them, and signs
/// out. The session lives in the page's memory only: a reload forgets it.
/// </summary>
public static class PasskeysPage
{
    public const string Title = "Passkeys";

    public static IResult Render(HttpContext context) => HostedPage.Render(context, Title, Markup, Script);

    private static string Attribute(string route) => WebUtility.HtmlEncode(Routes.PathOf(route));

    private static readonly string Markup = $"""
        <div id="endpoints" hidden
          data-login-options="{Attribute(Routes.PasskeyLoginOptions)}" data-login="{Attribute(Routes.PasskeyLogin)}"
          data-register-options="{Attribute(Routes.PasskeyRegistrationOptions)}" data-register="{Attribute(Routes.PasskeyRegistration)}"
          data-passkeys="{Attribute(Routes.Passkeys)}" data-password-login="{Attribute(Routes.Login)}"
          data-mfa-login="{Attribute(Routes.LoginMfa)}" data-me="{Attribute(Routes.Me)}" data-logout="{Attribute(Routes.Logout)}"></div>
        <section id="signed-out">
          <button id="passkey-login" type="button">Sign in with a passkey</button>
          <p class="hint">Or sign in with your password to add a passkey.</p>
          <form id="password-form" novalidate>
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <div id="code-step" hidden>
              <label for="code">Code from your authenticator app</label>
              <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code">
            </div>
            <button type="submit">Sign in</button>
          </form>
        </section>
        <section id="signed-in" hidden>
          <p>Signed in as <strong id="who"></strong>.</p>
          <form id="add-form" novalidate>
            <label for="label">Name for a new passkey</label>
            <input id="label" name="label" maxlength="100" placeholder="e.g. Laptop">
            <button type="submit">Add a passkey</button>
          </form>
          <h2>Your passkeys</h2>
          <ul id="passkey-list"></ul>
          <button id="sign-out" type="button">Sign out</button>
        </section>
        <p id="status" role="status" aria-live="polite"></p>
        """;

    private const string Script = """
        const endpoints = document.getElementById('endpoints').dataset;
        const signedOut = document.getElementById('signed-out');
        const signedIn = document.getElementById('signed-in');
        const list = document.getElementById('passkey-list');
        let session = null;
        let mfaTicket = null;

        const call = async (method, endpoint, body) => {
          const headers = { 'Content-Type': 'application/json' };
          if (session) headers.Authorization = 'Bearer ' + session;
          const response = await fetch(endpoint, {
            method, headers, body: body === undefined ? undefined : JSON.stringify(body),
            credentials: 'omit', referrerPolicy: 'no-referrer',
          });
          const json = response.status === 204 ? null : await response.json().catch(() => null);
          return { status: response.status, json };
        };
        const problem = (result, fallback) => (result.json && result.json.detail) || (result.json && result.json.title) || fallback;

        if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
          document.getElementById('passkey-login').disabled = true;
          setStatus('This browser cannot use passkeys here.', 'bad');
        }

        const enter = async (key, user) => {
          session = key;
          mfaTicket = null;
          document.getElementById('who').textContent = user.email;
          signedOut.hidden = true;
          signedIn.hidden = false;
          await refresh();
        };

        const refresh = async () => {
          const result = await call('GET', endpoints.passkeys);
          list.replaceChildren();
          if (result.status !== 200) { setStatus(problem(result, 'Could not list your passkeys.'), 'bad'); return; }
          for (const passkey of result.json.items) {
            const item = document.createElement('li');
            item.textContent = (passkey.label || 'Passkey') + ' (added ' + new Date(passkey.created).toLocaleString() + ') ';
            item.dataset.id = passkey.id;
            const remove = document.createElement('button');
            remove.type = 'button';
            remove.textContent = 'Remove';
            remove.addEventListener('click', async () => {
              const removed = await call('DELETE', endpoints.passkeys + '/' + encodeURIComponent(passkey.id));
              if (removed.status === 204) { setStatus('The passkey was removed.', 'ok'); await refresh(); }
              else setStatus(problem(removed, 'The passkey could not be removed.'), 'bad');
            });
            item.append(remove);
            list.append(item);
          }
          if (result.json.items.length === 0) {
            const item = document.createElement('li');
            item.textContent = 'None yet.';
            list.append(item);
          }
        };

        document.getElementById('passkey-login').addEventListener('click', async (event) => {
          event.target.disabled = true;
          setStatus('', '');
          try {
            const begun = await call('POST', endpoints.loginOptions, {});
            if (begun.status !== 200) { setStatus(problem(begun, 'Could not start the sign-in.'), 'bad'); return; }
            const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(begun.json.options) });
            const finished = await call('POST', endpoints.login, { ceremony: begun.json.ceremony, credential: credential.toJSON() });
            if (finished.status === 200) { await enter(finished.json.token.key, finished.json.user); setStatus('Signed in with a passkey.', 'ok'); }
            else setStatus(problem(finished, 'The passkey was not accepted.'), 'bad');
          } catch (error) {
            setStatus('No passkey was used (' + error.name + ').', 'bad');
          } finally {
            event.target.disabled = false;
          }
        });

        document.getElementById('password-form').addEventListener('submit', async (event) => {
          event.preventDefault();
          setStatus('', '');
          const code = document.getElementById('code').value.trim();
          const result = mfaTicket
            ? await call('POST', endpoints.mfaLogin, { mfaTicket, code })
            : await call('POST', endpoints.passwordLogin, { email: document.getElementById('email').value, password: document.getElementById('password').value });
          if (result.status === 200) { await enter(result.json.token.key, result.json.user); setStatus('Signed in.', 'ok'); return; }
          if (result.json && result.json.code === 'mfa_required') {
            mfaTicket = result.json.mfaTicket;
            document.getElementById('code-step').hidden = false;
            document.getElementById('code').focus();
            setStatus('Enter the code from your authenticator app.', '');
            return;
          }
          setStatus(problem(result, 'Could not sign in.'), 'bad');
        });

        document.getElementById('add-form').addEventListener('submit', async (event) => {
          event.preventDefault();
          setStatus('', '');
          const label = document.getElementById('label').value.trim() || null;
          try {
            const begun = await call('POST', endpoints.registerOptions, { label });
            if (begun.status !== 200) { setStatus(problem(begun, 'Could not start adding a passkey.'), 'bad'); return; }
            const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(begun.json.options) });
            const finished = await call('POST', endpoints.register, { ceremony: begun.json.ceremony, credential: credential.toJSON(), label });
            if (finished.status === 201) { setStatus('The passkey was added.', 'ok'); await refresh(); }
            else setStatus(problem(finished, 'The passkey was not accepted.'), 'bad');
          } catch (error) {
            setStatus('No passkey was added (' + error.name + ').', 'bad');
          }
        });

        document.getElementById('sign-out').addEventListener('click', async () => {
          await call('POST', endpoints.logout);
          session = null;
          signedIn.hidden = true;
          signedOut.hidden = false;
          setStatus('Signed out.', 'ok');
        });
        """;
}
