import { describe, expect, it } from 'vitest';
import {
  errorProblems,
  fieldKey,
  fieldOfProblem,
  isLastPage,
  listQuery,
  sameLabel,
} from '../../src/connectors/hudu/wire.ts';

/** Reads a listing of `total` records served `served` a page, as the client's paging rule stops; returns the requests. */
function pagesRead(total: number, served: number): number {
  let longest = 0;
  for (let page = 1; ; page++) {
    const length = Math.max(0, Math.min(served, total - (page - 1) * served));
    if (isLastPage(length, longest)) return page;
    longest = Math.max(longest, length);
  }
}

describe("Hudu's paging", () => {
  it('reads a listing whole at any page size the server keeps to, asking no page past a short one', () => {
    expect(pagesRead(2007, 1000)).toBe(3);
    // a server that ignores page_size and serves its documented 25
    expect(pagesRead(57, 25)).toBe(3);
    // a server that caps pages silently: never stopped by its first short-looking page
    expect(pagesRead(57, 10)).toBe(6);
    expect(pagesRead(50, 25)).toBe(3);
    expect(pagesRead(0, 25)).toBe(1);
    // a lone short first page is confirmed by an empty one
    expect(pagesRead(7, 1000)).toBe(2);
  });

  it('asks each page with the filters, the page number and the page size', () => {
    expect(listQuery('/api/v1/assets', { company_id: '3', archived: 'false' }, 2)).toBe(
      '/api/v1/assets?company_id=3&archived=false&page=2&page_size=1000',
    );
  });
});

describe("Hudu's custom field keys and labels", () => {
  it('keys a field by its label in snake case, and matches labels as a person reads them', () => {
    expect(fieldKey(' Other  Emails ')).toBe('other_emails');
    expect(fieldKey('Job Title')).toBe('job_title');
    expect(sameLabel('other_emails', 'Other Emails')).toBe(true);
    expect(sameLabel('Phone', 'Mobile phone')).toBe(false);
  });
});

describe("Hudu's errors", () => {
  it('reads every shape of error body, naming the field where the message starts with its label', () => {
    const labels = ['Title', 'Other emails'];
    const text = errorProblems({ errors: "Title can't be blank: required; Name can't be blank" });
    expect(text.map((p) => fieldOfProblem(p, labels))).toEqual(['Title', 'Name']);
    expect(errorProblems({ errors: { primary_mail: ['is invalid'] } })).toEqual([
      { field: 'primary_mail', message: 'is invalid' },
    ]);
    expect(errorProblems({ errors: ['Other emails is too long'] }).map((p) => fieldOfProblem(p, labels))).toEqual([
      'Other emails',
    ]);
    expect(errorProblems({ error: 'Unauthorized', details: 'No valid API key' })).toEqual([
      { field: null, message: 'Unauthorized: No valid API key' },
    ]);
    expect(errorProblems('Retry later\n')).toEqual([{ field: null, message: 'Retry later' }]);
    expect(errorProblems(undefined)).toEqual([]);
  });
});
