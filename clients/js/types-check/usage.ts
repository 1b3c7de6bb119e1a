// What a typed front end writes: checked by `tsc --noEmit` in the suite (BrowserModuleTypesIT).
import { connect, type Device, type SignedOut, type StateChange } from '../sessiond.js';

const session = connect({ url: 'https://sessions.example.com', token: 'a-token', backoff: { base: 500 } });
const off = session.on('devices', (list: Device[]) => {
  const online: string[] = list.filter((d) => d.state.is_connected).map((d) => `${d.client} ${d.ip}`);
  const mine: boolean = list.some((d) => d.current === true);
  console.log(online, mine);
});
session.on('signedout', (e: SignedOut) => {
  const elsewhere: boolean = e.reason === 'signed_out_elsewhere' || e.code === 4010;
  console.log(elsewhere, e.message);
});
session.on('disconnected', (e) => console.log(e.code === 4001, e.message));
session.on('state', (s: StateChange) => console.log(s.state, s.delay ?? 0));
session.on('message', (f) => console.log(f.event));
off();

async function manage(): Promise<void> {
  const devices: Device[] = await session.devices();
  await session.signOut(devices[0].id);
  const others: number = await session.signOutOthers();
  await session.changePassword('old', 'new');
  const me = session.me;
  console.log(others, me?.user_id, session.state === 'open');
  session.close();
}
void manage();

// @ts-expect-error: an unknown event is a type error
session.on('signed-out', () => {});
// @ts-expect-error: the token is a string
connect({ token: 42 });
