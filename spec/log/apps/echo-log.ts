// An app that logs what its clients send, as many apps do (`console.log(body)`): the way a
// hostile client reaches crew's log stream. POST /log writes the body as a line to stdout,
// POST /err to stderr, POST /write writes it as it is, with no line end (a progress bar).
import { defineApp } from 'crew';

function body(req: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export default defineApp({
  server(app) {
    app.use(async (kctx, next) => {
      if (kctx.method !== 'POST') return next();
      const text = await body(kctx.req);
      if (kctx.path === '/log') console.log(text);
      else if (kctx.path === '/err') console.error(text);
      else if (kctx.path === '/write') process.stdout.write(text);
      else return next();
      kctx.body = { logged: text.length };
    });
  },
});
