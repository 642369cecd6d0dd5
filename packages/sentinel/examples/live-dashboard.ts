import { type ReportDocument, serveDashboard } from 'http-sentinel/report';

// The report of a run, live on 127.0.0.1: the page redraws on every update (send a few a second).
export async function liveReport(first: ReportDocument, updates: AsyncIterable<ReportDocument>) {
  const dashboard = await serveDashboard({ document: first }); // routes: { '/metrics': handler } adds a route
  console.log(`open ${dashboard.url}`);
  for await (const document of updates) dashboard.update(document);
  return dashboard; // still serving the last document: close() it when you are done
}
