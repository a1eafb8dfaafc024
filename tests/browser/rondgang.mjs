// De rondgang door de site in een echte browser (issue 15), als reeks benoemde stappen. Gestart door
// `cargo test -p vhf --test browser` (zie crates/vhf/tests/browser.rs), op SQLite en op PostgreSQL, tegen een
// server met de demoronde (vhf serve --demo) en de ontwikkel-login, met een vaste klok (2021-05-10 12:00, het
// loket is open).
//
// Een pagina toevoegen: een stap erbij met page.goto(...), dan bezoek(page, 'naam') (HTML, lang="nl", axe WCAG 2.1
// A/AA, geen consolefouten of CSP-weigeringen) en, voor een hoofdpagina, schermafdruk(page, 'naam') (komt in
// docs/schermafdrukken/; noem hem in docs/schermafdrukken/README.md). Begin elke stap vanaf een eigen adres of
// log_in_als(): na een mislukte stap draaien de volgende toch.

import { BASIS, bekend, bezoek, ingelogd_als, klaar, log_in_als, log_uit, met_toetsenbord, schermafdruk, start, stap, verwacht_status } from './hulp.mjs';

// Bekende afwijkingen op de oude pagina's (met format! gebouwd in crates/vhf/src/server/sessies.rs), die de test nu
// nog niet laten falen. Remove when the askama pages land. Elke andere afwijking laat de test falen, en een sleutel
// die niet meer voorkomt ook (haal hem dan weg). Sleutels: 'axe:<pagina>:<regel van axe>' voor een schending op
// een pagina, of een eigen sleutel die een stap met bekend('...') vraagt.
const BEKEND_OP_DE_OUDE_PAGINAS = [
  // Een onbekend adres geeft 404 als application/problem+json, ook aan een browser; dat wordt een Nederlandse
  // HTML-pagina (de laag fouten_als_pagina hangt alleen om de bestaande webroutes, niet om de fallback).
  'niet-gevonden-is-json',
];

/** Een demogebruiker per rol (crates/vhf/src/server/demo.rs; de commissieleden heten L1…L9). */
const ROLLEN = [
  { rol: 'aanvrager', id: 'demo-aanvrager' },
  { rol: 'behandelaar', id: 'demo-behandelaar' },
  { rol: 'commissielid', id: 'L1' },
  { rol: 'beslisser', id: 'demo-beslisser' },
  { rol: 'auditor', id: 'demo-auditor' },
  { rol: 'beheerder', id: 'demo-beheerder' },
];

const { page } = await start({ bekend: BEKEND_OP_DE_OUDE_PAGINAS });

await stap('startpagina (dashboard) zonder in te loggen', async () => {
  await page.goto(`${BASIS}/`);
  await bezoek(page, 'dashboard');
  await schermafdruk(page, 'dashboard');
  if ((await ingelogd_als(page)) !== null) throw new Error('zonder inloggen toch ingelogd');
});

await stap('inlogpagina', async () => {
  await page.goto(`${BASIS}/auth/inloggen`);
  await bezoek(page, 'inloggen');
  await schermafdruk(page, 'inloggen');
});

await stap('inloggen als aanvrager met alleen het toetsenbord', async () => {
  await page.goto(`${BASIS}/auth/inloggen`);
  const t = met_toetsenbord(page);
  await t.tab_naar('select[name="gebruiker"]');
  await t.kies('demo-aanvrager');
  await t.tab_naar('form[action="/auth/ontwikkel"] button[type="submit"]');
  await t.druk('Enter', { naar: '/' });
  const wie = await ingelogd_als(page);
  if (wie !== 'demo-aanvrager') throw new Error(`na inloggen met het toetsenbord ingelogd als ${wie}, verwacht demo-aanvrager`);
  await bezoek(page, 'start-aanvrager-toetsenbord');
  await log_uit(page);
});

for (const { rol, id } of ROLLEN) {
  await stap(`startpagina als ${rol} (${id})`, async () => {
    await log_in_als(page, id);
    await page.goto(`${BASIS}/`);
    await bezoek(page, `start-${rol}`);
    await log_uit(page);
  });
}

await stap('een pagina die niet bestaat geeft 404', async () => {
  const r = await verwacht_status(page, '/bestaat-niet', 404);
  const soort = r.headers()['content-type'] ?? '';
  if (soort.startsWith('text/html')) {
    await bezoek(page, 'niet-gevonden', { status: 404 });
  } else if (!bekend('niet-gevonden-is-json')) {
    throw new Error(`/bestaat-niet geeft de browser ${soort}, geen Nederlandse HTML-pagina`);
  }
});

await klaar();
