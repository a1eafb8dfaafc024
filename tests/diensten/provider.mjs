// Een echte OpenID Provider voor de tests van vhf (het gecertificeerde pakket oidc-provider), met de
// ontwikkel-interacties (elk account met een willekeurig wachtwoord). PORT en REDIRECT_URI komen van de test.
// Accounts dragen de claims die een broker voor vhf meegeeft: vhf_rol en oin (de organisatie).
// GET /__test/vervals?aan=1 laat het tokenendpoint vanaf dan een ID-token met een gewijzigde inhoud (en dus een
// ongeldige handtekening) teruggeven: zo is te testen dat vhf een vervalst token weigert.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const redirect = process.env.REDIRECT_URI;
const issuer = `http://127.0.0.1:${port}`;
let vervals = false;

const accounts = {
  'zaanstad-1': { name: 'Zoë Zaanstad', vhf_rol: 'aanvrager', oin: '00000001002564440000' },
  'rvo-1': { name: 'Bea Behandelaar', vhf_rol: 'behandelaar' },
  'onbekend-1': { name: 'Onbekende organisatie', vhf_rol: 'aanvrager', oin: '99999999999999999999' },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'vhf',
    client_secret: 'geheim-voor-de-test',
    redirect_uris: [redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'vhf'],
  claims: { openid: ['sub'], vhf: ['name', 'vhf_rol', 'oin'] },
  findAccount: async (ctx, id) => (accounts[id]
    ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) }
    : undefined),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['vhf-test-sleutel'] },
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/vervals') {
    vervals = ctx.query.aan === '1';
    ctx.body = { vervals };
    return;
  }
  await next();
  if (vervals && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    const [kop, inhoud, handtekening] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(inhoud, 'base64url').toString());
    claims.sub = 'rvo-1';
    ctx.body = { ...ctx.body, id_token: [kop, Buffer.from(JSON.stringify(claims)).toString('base64url'), handtekening].join('.') };
  }
});

provider.listen(port, '127.0.0.1', () => console.log('klaar'));
