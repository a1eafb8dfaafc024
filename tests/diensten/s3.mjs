// Een S3-compatibele opslag voor de tests van vhf (s3rver: het S3-protocol over HTTP, met de bestanden in een
// map). PORT en MAP komen van de test; de bucket vhf-test bestaat bij de start. Sleutels: S3RVER / S3RVER.
import S3rver from 's3rver';

const server = new S3rver({
  port: Number(process.env.PORT),
  address: '127.0.0.1',
  silent: true,
  directory: process.env.MAP,
  configureBuckets: [{ name: 'vhf-test' }],
});
await server.run();
console.log('klaar');
