// The Articles crawl: page through the list (size 10) until an empty page, then fetch every article of
// the page by its slug; every answer must be 200. Options (VUs, duration or stages, thresholds) come from
// the LoadTest construct through K6_OPTIONS, the target from TARGET_URL: the script knows neither.
import { check, sleep } from 'k6';
import http from 'k6/http';
import { Options } from 'k6/options';

export const options: Options = JSON.parse(__ENV.K6_OPTIONS || '{}');

const base = (__ENV.TARGET_URL || '').replace(/\/$/, '');
const pageSize = 10;
/** Pages one iteration reads at most, so that a VU of a large catalogue keeps cycling. */
const maxPages = Number(__ENV.MAX_PAGES || '20');

interface Article {
  slug: string;
}

export default function crawl(): void {
  for (let page = 1; page <= maxPages; page++) {
    const list = http.get(`${base}/api/Articles?page=${page}&size=${pageSize}`, { tags: { name: 'list' } });
    check(list, { 'list is 200': (r) => r.status === 200 });
    if (list.status !== 200) return;
    const articles = list.json() as unknown as Article[];
    if (!Array.isArray(articles) || articles.length === 0) return;
    for (const article of articles) {
      const one = http.get(`${base}/api/Articles/${encodeURIComponent(article.slug)}`, { tags: { name: 'article' } });
      check(one, { 'article is 200': (r) => r.status === 200 });
    }
    sleep(0.1);
  }
}
