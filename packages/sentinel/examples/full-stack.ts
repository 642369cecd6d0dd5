import { createResilientPool } from 'http-sentinel';

export async function fetchUsers(baseUrl: string, ids: number[]) {
  await using pool = await createResilientPool({ preset: 'production', workers: 8, baseUrl }); // 8 workers, a client each
  return Promise.all(ids.map((id) => pool.run(({ client }) => client.get(`/users/${id}`).then((r) => r.json()))));
}
