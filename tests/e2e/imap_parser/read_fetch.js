// Reads IMAP server responses (the bytes a server sent, from a file) with
// ImapFlow's own framing (ImapStream), parser and FETCH reader: the parser of
// a widely used client that is not ours, as strict as ImapFlow is. Prints one
// JSON object per FETCH response on stdout; any response it cannot parse, a
// NUL in a literal (RFC 3501 forbids it) or an address that ImapFlow would
// read as a group marker outside a group ends the run with exit status 1 and
// the reason on stderr.
//
//   node read_fetch.js RESPONSES_FILE
'use strict';

const fs = require('fs');
const { ImapStream } = require('imapflow/lib/handler/imap-stream.js');
const parser = require('imapflow/lib/handler/imap-parser.js');
const tools = require('imapflow/lib/tools.js');

function fail(why) {
    process.stderr.write(why + '\n');
    process.exit(1);
}

// ENVELOPE address lists as ImapFlow reads them (name, address) and as sent
// (the four fields), to check that no address is NIL where a string belongs.
function rawAddresses(list) {
    if (!Array.isArray(list)) {
        return null;
    }
    return list.map(a => a.map(f => (f && f.value !== undefined ? String(f.value) : null)));
}

function checkGroups(raw, where) {
    // RFC 3501 7.4.2: NIL host is a group start, NIL mailbox and host a group end.
    let depth = 0;
    for (const [, , mailbox, host] of raw || []) {
        if (host === null && mailbox !== null) {
            depth++;
        } else if (host === null && mailbox === null) {
            if (depth === 0) {
                fail(where + ': a group end outside a group');
            }
            depth--;
        } else if (mailbox === null) {
            fail(where + ': an address without a mailbox');
        }
    }
    if (depth !== 0) {
        fail(where + ': a group without its end');
    }
}

function bodyStructure(node) {
    if (!node) {
        return null;
    }
    const out = { part: node.part || '', type: node.type, size: node.size, lineCount: node.lineCount };
    if (node.parameters) {
        out.parameters = node.parameters;
    }
    if (node.disposition) {
        out.disposition = node.disposition;
        out.dispositionParameters = node.dispositionParameters;
    }
    if (node.envelope) {
        out.envelope = node.envelope;
    }
    if (node.childNodes) {
        out.childNodes = node.childNodes.map(bodyStructure);
    }
    return out;
}

async function main() {
    const data = fs.readFileSync(process.argv[2]);
    const stream = new ImapStream();
    const results = [];
    const done = new Promise((resolve, reject) => {
        stream.on('error', reject);
        stream.on('end', resolve);
    });
    stream.on('readable', async () => {
        let item;
        while ((item = stream.read()) !== null) {
            const current = item;
            try {
                for (const literal of current.literals) {
                    if (literal.includes(0)) {
                        fail('a literal holds NUL: ' + current.payload.toString().slice(0, 120));
                    }
                }
                const parsed = await parser(current.payload, { literals: current.literals });
                if (parsed.tag === '*' && String(parsed.command).match(/^\d+$/) &&
                    parsed.attributes && String(parsed.attributes[0] && parsed.attributes[0].value).toUpperCase() === 'FETCH') {
                    const message = await tools.formatMessageResponse(parsed, {});
                    const attrs = parsed.attributes[1] || [];
                    const out = { seq: message.seq, uid: message.uid, size: message.size };
                    for (let i = 0; i + 1 < attrs.length; i += 2) {
                        const key = String(attrs[i].value).toUpperCase();
                        if (key === 'ENVELOPE' && Array.isArray(attrs[i + 1])) {
                            const env = attrs[i + 1];
                            for (const [n, name] of [[2, 'from'], [3, 'sender'], [4, 'reply-to'], [5, 'to'], [6, 'cc'], [7, 'bcc']]) {
                                checkGroups(rawAddresses(env[n]), 'ENVELOPE ' + name + ' of message ' + message.seq);
                            }
                            out.rawEnvelope = {
                                from: rawAddresses(env[2]), to: rawAddresses(env[5]), cc: rawAddresses(env[6]), bcc: rawAddresses(env[7])
                            };
                        }
                    }
                    if (message.envelope) {
                        out.envelope = message.envelope;
                    }
                    if (message.bodyStructure) {
                        out.bodyStructure = bodyStructure(message.bodyStructure);
                    }
                    if (message.source) {
                        out.source = message.source.toString('base64');
                    }
                    if (message.headers) {
                        out.header = message.headers.toString('base64');
                    }
                    if (message.bodyParts) {
                        out.parts = {};
                        for (const [k, v] of message.bodyParts) {
                            out.parts[k] = v ? v.toString('base64') : null;
                        }
                    }
                    results.push(out);
                }
            } catch (err) {
                fail('ImapFlow cannot parse "' + current.payload.toString().slice(0, 200) + '": ' + err.message);
            }
            current.next();
        }
    });
    stream.end(data);
    await done;
    process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch(err => fail(String(err && err.stack || err)));
