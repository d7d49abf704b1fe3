// The organisation's lists (`customer in list vip_customers`): view, add and remove values, and
// the history of changes as sealed in the ledger. Lists are admin-only on the server too.

import { useCallback, useState, type FormEvent } from 'react';
import { api } from '../api';
import { Card, Empty, ErrorNote, Loading, PageHeader } from '../components';
import { formatActor, formatTime } from '../format';
import { useLedgerEvents } from '../live';
import { useAction, useApi } from '../useApi';

export interface ListSummaryJson {
  readonly name: string;
  readonly version: number;
  readonly size: number;
  readonly updated_at: string;
  readonly seq: number;
}

interface ListChangeJson {
  readonly version: number;
  readonly action: string;
  readonly actor: string;
  readonly time: string;
  readonly seq: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly size: number;
}

interface ListJson {
  readonly list: ListSummaryJson;
  readonly values: readonly string[];
  readonly history: readonly ListChangeJson[];
}

/** Values shown at once; the filter finds any other. */
const SHOWN = 200;

/** Values typed in a box: one a line, or separated by commas. */
function parseValues(text: string): string[] {
  return text.split(/[\n,]/).map((value) => value.trim()).filter((value) => value !== '');
}

function changeText(change: ListChangeJson): string {
  const parts: string[] = [];
  if (change.added.length > 0) parts.push(`+${change.added.length}: ${change.added.slice(0, 5).join(', ')}${change.added.length > 5 ? '…' : ''}`);
  if (change.removed.length > 0) parts.push(`−${change.removed.length}: ${change.removed.slice(0, 5).join(', ')}${change.removed.length > 5 ? '…' : ''}`);
  return parts.length === 0 ? 'created empty' : parts.join(' · ');
}

function ListDetail({ name, onChanged }: { name: string; onChanged: () => void }) {
  const list = useApi<ListJson>(`/api/lists/${encodeURIComponent(name)}`);
  const users = useApi<{ data: Array<{ id: string; name: string }> }>('/api/users');
  const names = new Map((users.data?.data ?? []).map((u) => [u.id, u.name]));
  const { reload } = list;
  const [adding, setAdding] = useState('');
  const [filter, setFilter] = useState('');
  const add = useAction((values: string[]) => api.post(`/api/lists/${encodeURIComponent(name)}/values`, { values }));
  const remove = useAction((value: string) => api.del(`/api/lists/${encodeURIComponent(name)}/values/${encodeURIComponent(value)}`));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await add.run(parseValues(adding)) !== undefined) {
      setAdding('');
      reload();
      onChanged();
    }
  };
  const drop = async (value: string): Promise<void> => {
    if (await remove.run(value) !== undefined) {
      reload();
      onChanged();
    }
  };

  const values = list.data?.values ?? [];
  const matching = filter === '' ? values : values.filter((value) => value.includes(filter));
  return (
    <>
      <Card title={<>List <span className="mono">{name}</span>{list.data ? <span className="muted"> · v{list.data.list.version} · {list.data.list.size} values</span> : null}</>}>
        <ErrorNote error={list.error} />
        {list.loading && !list.data ? <Loading /> : null}
        <form onSubmit={(e) => void submit(e)} className="form">
          <label htmlFor="list-add">Add values (one a line, or separated by commas)</label>
          <textarea id="list-add" rows={3} value={adding} onChange={(e) => setAdding(e.target.value)} placeholder="cus_123, cus_456" />
          <ErrorNote error={add.error} />
          <button type="submit" className="button" disabled={add.busy || parseValues(adding).length === 0}>Add to list</button>
        </form>
        {values.length > SHOWN ? (
          <>
            <label htmlFor="list-filter">Find a value</label>
            <input id="list-filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </>
        ) : null}
        <ErrorNote error={remove.error} />
        {list.data && values.length === 0 ? <Empty title="This list is empty" /> : null}
        <ul className="list" aria-label={`Values of ${name}`}>
          {matching.slice(0, SHOWN).map((value) => (
            <li key={value} className="control-item">
              <span className="mono">{value}</span>
              <button type="button" className="button ghost" aria-label={`Remove ${value}`} disabled={remove.busy} onClick={() => void drop(value)}>Remove</button>
            </li>
          ))}
        </ul>
        {matching.length > SHOWN ? <p className="muted">{matching.length - SHOWN} more; narrow the search to see them.</p> : null}
      </Card>
      <Card title="History (sealed in the ledger)">
        <div className="table-wrap">
        <table className="table compact" aria-label={`History of ${name}`}>
          <thead><tr><th>Version</th><th>Change</th><th>By</th><th>When</th><th>Record</th></tr></thead>
          <tbody>
            {(list.data?.history ?? []).map((change) => (
              <tr key={change.version} data-version={change.version}>
                <td>v{change.version}</td>
                <td>{changeText(change)}</td>
                <td>{formatActor(change.actor, names)}</td>
                <td>{formatTime(change.time)}</td>
                <td>#{change.seq}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </Card>
    </>
  );
}

export function ListsView() {
  const lists = useApi<{ lists: readonly ListSummaryJson[] }>('/api/lists');
  const { reload } = lists;
  useLedgerEvents({ record: useCallback(() => reload(), [reload]) });
  const [selected, setSelected] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const create = useAction((name: string) => api.put(`/api/lists/${encodeURIComponent(name)}`, { values: [] }));

  const submitNew = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const name = newName.trim();
    if (await create.run(name) !== undefined) {
      setNewName('');
      setSelected(name);
      reload();
    }
  };

  const all = lists.data?.lists ?? [];
  const current = selected ?? all[0]?.name ?? null;
  return (
    <div className="page">
      <PageHeader title="Lists" subtitle={<>Values your policies test with <code>in list</code> (VIP customers, merchants under review…). Every change is sealed in the ledger, and each decision records the version it read.</>} />
      <ErrorNote error={lists.error} />
      {lists.loading && !lists.data ? <Loading /> : null}
      <div className="grid-2">
        <Card title="Lists">
          {lists.data && all.length === 0 ? <Empty title="No lists yet" /> : null}
          <ul className="list" aria-label="Lists">
            {all.map((list) => (
              <li key={list.name} className="control-item">
                <button type="button" className={list.name === current ? 'button' : 'button ghost'} aria-pressed={list.name === current} onClick={() => setSelected(list.name)}>
                  {list.name}
                </button>
                <span className="muted">v{list.version} · {list.size} values · {formatTime(list.updated_at)}</span>
              </li>
            ))}
          </ul>
          {lists.data ? (
            <form onSubmit={(e) => void submitNew(e)} className="form">
              <label htmlFor="list-name">New list name</label>
              <input id="list-name" value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="vip_customers" />
              <ErrorNote error={create.error} />
              <button type="submit" className="button" disabled={create.busy || newName.trim() === ''}>Create list</button>
            </form>
          ) : null}
        </Card>
        <div>
          {current !== null ? <ListDetail key={current} name={current} onChanged={reload} /> : null}
        </div>
      </div>
    </div>
  );
}
