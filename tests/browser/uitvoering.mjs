// Na het besluit in een echte browser (issue 12). Gestart door `cargo test -p vhf --test browser uitvoering`
// (crates/vhf/tests/browser.rs), dat de server met de demoronde start, de ronde tot ondertekende besluiten brengt
// (via de API) en de klok op 10 juli 2022 zet, zodat de opgave over 2021 op tijd is. Het besluit van Ameland
// (GM0060, DEMO-2021-010 met DP1 en DP2) staat in VHF_BESLUIT.
//
// De volgorde: demo-beslisser stelt de eerste termijn voor (en krijgt zelf geen knop om goed te keuren);
// demo-beslisser-2 keurt haar goed; de aanvrager van Ameland vult de SiSa-opgave over 2021 in (eerst met een bedrag
// dat geen bedrag is: 422) en ziet de bevinding V02; de beslisser bekijkt de monitoring. Op elke pagina axe
// (WCAG 2.1 A en AA); schermafdrukken uitvoering.png, sisa-opgave.png en monitoring.png.

import { BASIS, bezoek, ingelogd_als, klaar, log_in_als, log_uit, schermafdruk, start, stap, wacht_op_navigatie } from './hulp.mjs';

const BESLUIT = process.env.VHF_BESLUIT;
if (!BESLUIT) throw new Error('VHF_BESLUIT ontbreekt: het id van het ondertekende besluit van Ameland');
const UITKERING = `/uitvoering/${BESLUIT}`;
const START = { 'demo-beslisser': '/verdeling', 'demo-beslisser-2': '/verdeling', 'ameland-aanvrager': '/aanvragen' };

const { page } = await start();

async function als(id) {
  const nu = await ingelogd_als(page);
  if (nu === id) return;
  if (nu !== null) await log_uit(page);
  await log_in_als(page, id, { naar: START[id] });
}

async function tekst(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Doet de actie (een klik op een knop van een formulier) en eist 303 naar `naar`. */
async function verstuur_303(actie, naar) {
  const post = page.waitForResponse((r) => r.request().method() === 'POST' && r.frame() === page.mainFrame());
  const pad = await wacht_op_navigatie(page, actie, { naar });
  const r = await post;
  if (r.status() !== 303) throw new Error(`POST ${new URL(r.url()).pathname}: status ${r.status()}, verwacht 303`);
  return pad;
}

/** De rijen van de tabel betalingen als lijsten van celteksten. */
async function betalingen() {
  return page
    .locator('section[aria-labelledby="betalingen-kop"] tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.replace(/\s+/g, ' ').trim())));
}

await stap('beslisser: de uitkering van Ameland, de eerste termijn voorstellen (goedkeuren doet een ander)', async () => {
  await als('demo-beslisser');
  await page.goto(`${BASIS}${UITKERING}`);
  await bezoek(page, 'uitvoering-voor-betaling');
  const kop = await tekst(page.locator('h1'));
  if (!kop.startsWith('Uitvoering Ameland')) throw new Error(`de kop is '${kop}'`);
  await verstuur_303(() => page.getByRole('button', { name: 'Termijn 1 voorstellen' }).click(), `${UITKERING}?gedaan=betaling-voorgesteld`);
  await bezoek(page, 'uitvoering-betaling-voorgesteld');
  const rijen = await betalingen();
  if (rijen.length !== 1 || rijen[0][1] !== 'VHF-2021-GM0060-T1' || rijen[0][4] !== 'voorgesteld') throw new Error(`betalingen: ${JSON.stringify(rijen)}`);
  if ((await page.getByRole('button', { name: /^Goedkeuren/ }).count()) !== 0) throw new Error('wie de betaling voorstelde, krijgt een knop om haar goed te keuren');
  if (!rijen[0][6].includes('een andere beslisser keurt goed')) throw new Error(`de voorsteller leest niet dat een ander goedkeurt: ${rijen[0][6]}`);
});

await stap('tweede beslisser: de betaling goedkeuren (vier ogen)', async () => {
  await als('demo-beslisser-2');
  await page.goto(`${BASIS}${UITKERING}`);
  await bezoek(page, 'uitvoering-betaling-te-keuren');
  await verstuur_303(() => page.getByRole('button', { name: 'Goedkeuren betaling VHF-2021-GM0060-T1' }).click(), `${UITKERING}?gedaan=betaling-goedgekeurd`);
  await bezoek(page, 'uitvoering-betaling-goedgekeurd');
  const rijen = await betalingen();
  if (rijen[0][4] !== 'goedgekeurd' || rijen[0][6] !== 'demo-beslisser-2') throw new Error(`betalingen: ${JSON.stringify(rijen)}`);
  const open = await tekst(page.locator('.vhf-cijfer', { hasText: 'Openstaand' }).locator('dd'));
  if (open !== '€ 0,00') throw new Error(`openstaand na de betaling: ${open}`);
});

await stap('gemeente: de SiSa-opgave over 2021 invullen (eerst met een fout) en de bevinding lezen', async () => {
  await als('ameland-aanvrager');
  await page.goto(`${BASIS}${UITKERING}`);
  await bezoek(page, 'uitvoering-gemeente');
  await wacht_op_navigatie(page, () => page.getByRole('link', { name: 'SiSa-opgave invullen' }).click(), { naar: `${UITKERING}/verantwoording` });
  await bezoek(page, 'sisa-opgave');
  const invullen = async (velden) => {
    for (const [id, waarde] of Object.entries(velden)) await page.locator(`#${id}`).fill(waarde);
  };
  await invullen({ d0_dit_jaar: '300.000', d0_cumulatief: '300.000', d0_cofinanciering: '100.000', d1_dit_jaar: '2.000.000', d1_cumulatief: '2.500.000', d1_cofinanciering: '1.000.000' });
  // De woningen: de eerste regel van elk deelplan (de regels komen uit de aanvraag).
  await invullen({ d0_w0_gestart: '10', d1_w0_gestart: '50' });
  await schermafdruk(page, 'sisa-opgave');
  await invullen({ d0_dit_jaar: 'drie ton' });
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Opgave indienen' }).click(), { naar: `${UITKERING}/verantwoording` });
  await bezoek(page, 'sisa-opgave-met-fout', { status: 422 });
  const links = await page.locator('#foutoverzicht a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  if (JSON.stringify(links) !== JSON.stringify(['#d0_dit_jaar'])) throw new Error(`het foutoverzicht linkt naar ${links.join(', ')}`);
  if ((await page.locator('#d1_cumulatief').inputValue()) !== '2.500.000') throw new Error('na de fout is de invoer weg');
  if ((await page.locator('#d1_w0_gestart').inputValue()) !== '50') throw new Error('na de fout zijn de woningen weg');
  await invullen({ d0_dit_jaar: '300.000' });
  await verstuur_303(() => page.getByRole('button', { name: 'Opgave indienen' }).click(), `${UITKERING}?gedaan=opgave`);
  await bezoek(page, 'uitvoering-na-opgave');
  const sectie = await tekst(page.locator('section[aria-labelledby="verantwoording-kop"]'));
  if (!sectie.includes('Opgave over 2021') || !sectie.includes('V02 cumulatief is vorig jaar plus dit jaar (DEMO-2021-010 DP2)')) {
    throw new Error(`de opgave of haar bevinding V02 staat niet op de pagina: ${sectie}`);
  }
  if (!sectie.includes('€ 2.500.000,00')) throw new Error('het cumulatief van DP2 staat niet in de tabel van de opgave');
  await schermafdruk(page, 'uitvoering');
});

await stap('beslisser: de monitoring van de ronde, met de link naar de uitkering', async () => {
  await als('demo-beslisser');
  await page.goto(`${BASIS}/uitvoering?ronde=vhf-2021`);
  await bezoek(page, 'monitoring');
  const rij = page.locator('tr#GM0060');
  if ((await rij.count()) !== 1) throw new Error('Ameland (GM0060) staat niet in de monitoring');
  const cellen = await rij.locator('th, td').allInnerTexts();
  const [naam, besloten, betaald, open] = cellen.map((c) => c.replace(/\s+/g, ' ').trim());
  if (!naam.endsWith('Ameland') || besloten !== betaald || open !== '€ 0,00') throw new Error(`de rij van Ameland: ${JSON.stringify(cellen)}`);
  const href = await rij.locator('a').getAttribute('href');
  if (href !== UITKERING) throw new Error(`de link van Ameland gaat naar ${href}`);
  await schermafdruk(page, 'monitoring');
  await log_uit(page);
});

await klaar();
