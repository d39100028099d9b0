"""A real OpenLDAP directory for the directory-services tests
(test_directory_services) and the console's Directory tab (test_console,
browser/console_tabs/directory.mjs; docs/testing.md "OpenLDAP slapd"): slapd with its
own slapd.conf and mdb database under a temporary directory, on free loopback
ports for ldap:// (StartTLS too) and ldaps://, with a test CA and a server
certificate made by openssl, the memberof overlay, and a small schema of its
own (ad.schema) that gives entries Active Directory's attributes
(sAMAccountName, userPrincipalName, userAccountControl, proxyAddresses,
sAMAccountType) as an auxiliary objectClass, so the activeDirectory type runs
against a real LDAP server. The OIDs are under 1.3.6.1.4.1.32473, the
enterprise number RFC 5612 sets aside for examples.

Every person is both an inetOrgPerson (genericLdap) and an adUserAccount
(activeDirectory). Stopped (and restarted) by its own process id."""
import os
import shutil
import signal
import subprocess
import tempfile

from harness import free_port, wait_port

SUFFIX = "dc=example,dc=com"
PEOPLE_DN = "ou=people," + SUFFIX
GROUPS_DN = "ou=groups," + SUFFIX
ROOT_DN = "cn=admin," + SUFFIX
ROOT_PASSWORD = "Root-ldap-pass-1"
BIND_DN = "cn=reader," + SUFFIX
BIND_PASSWORD = "Reader-ldap-pass-1"
ARCHIVE_GROUP = "cn=archive-users," + GROUPS_DN
OTHER_GROUP = "cn=other," + GROUPS_DN

AD_SCHEMA = """
attributetype ( 1.3.6.1.4.1.32473.1.1.1 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.1.1.2 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.1.1.3 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.1.1.4 NAME 'proxyAddresses'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.3.6.1.4.1.32473.1.1.5 NAME 'sAMAccountType'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.1.2.1 NAME 'adUserAccount' AUXILIARY
  MAY ( sAMAccountName $ userPrincipalName $ userAccountControl $ proxyAddresses $ sAMAccountType ) )
"""

# (sAMAccountName / uid, full name, groups, disabled, proxyAddresses)
PEOPLE = [
    ("jdoe", "John Doe", ["archive-users"], False, ["SMTP:john.doe@example.com", "smtp:jd@example.com",
                                                    "X500:/o=Example/cn=jdoe"]),
    ("asmith", "Anna Smith", ["archive-users", "other"], False, ["SMTP:anna.smith@example.com"]),
    ("olduser", "Old User", ["archive-users"], True, []),
    ("outsider", "Out Sider", ["other"], False, []),
]


def password_of(uid):
    return uid.capitalize() + "-Ldap-Pass-1"


def available():
    return all(os.path.exists(p) for p in ("/usr/sbin/slapd", "/usr/bin/ldapadd", "/usr/bin/openssl"))


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=cwd)


def make_ca(directory, name):
    """A CA (key, certificate) made with the openssl CLI."""
    key, cert = os.path.join(directory, name + ".key"), os.path.join(directory, name + ".pem")
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
             "-out", cert, "-days", "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    return key, cert


def make_server_cert(directory, ca_key, ca_cert):
    key, csr, cert = (os.path.join(directory, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(directory, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
             "-subj", "/CN=127.0.0.1", cwd=directory)
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
             "-days", "2", "-extfile", ext, cwd=directory)
    return key, cert


class SlapdDirectory:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="spe-slapd-")
        os.chmod(self.dir, 0o755)
        self.proc = None
        try:
            self._set_up()
        except BaseException:
            self.stop()
            raise

    def _set_up(self):
        d = self.dir
        self.port, self.ldaps_port = free_port(), free_port()
        os.makedirs(os.path.join(d, "db"))
        ca_key, self.ca_cert = make_ca(d, "test-ca")
        _, self.wrong_ca_cert = make_ca(d, "wrong-ca")
        server_key, server_cert = make_server_cert(d, ca_key, self.ca_cert)
        with open(os.path.join(d, "ad.schema"), "w") as f:
            f.write(AD_SCHEMA)
        self.conf = os.path.join(d, "slapd.conf")
        with open(self.conf, "w") as f:
            f.write("""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include {d}/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {d}/slapd.pid
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
sizelimit unlimited
database mdb
maxsize 104857600
suffix "{suffix}"
rootdn "{root}"
rootpw {rootpw}
directory {d}/db
overlay memberof
access to attrs=userPassword by self auth by anonymous auth by * none
access to * by dn.exact="{bind}" read by * none
limits dn.exact="{bind}" size=unlimited size.pr=unlimited
""".format(d=d, ca=self.ca_cert, cert=server_cert, key=server_key, suffix=SUFFIX, root=ROOT_DN,
           rootpw=ROOT_PASSWORD, bind=BIND_DN))
        subprocess.run(["/usr/sbin/slaptest", "-f", self.conf, "-u"], check=True, capture_output=True)
        self.start()
        self._seed()

    @property
    def url(self):
        return "ldap://127.0.0.1:%d/" % self.port

    def start(self):
        """Starts slapd (again) on the same ports and database."""
        self.proc = subprocess.Popen(
            ["/usr/sbin/slapd", "-f", self.conf, "-h", "%s ldaps://127.0.0.1:%d/" % (self.url, self.ldaps_port),
             "-d", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, 30, self.proc)
        wait_port(self.ldaps_port, 30, self.proc)

    def kill(self, sig=signal.SIGTERM):
        """Stops the slapd this object started, by its process id."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def stop(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def ldif(self, text, command="ldapadd"):
        subprocess.run([command, "-x", "-H", self.url, "-D", ROOT_DN, "-w", ROOT_PASSWORD], input=text.encode(),
                       check=True, capture_output=True)

    @staticmethod
    def person_ldif(uid, name, disabled=False, proxies=()):
        lines = ["dn: uid=%s,%s" % (uid, PEOPLE_DN), "objectClass: inetOrgPerson", "objectClass: adUserAccount",
                 "uid: " + uid, "cn: " + name, "sn: " + name.split()[-1], "displayName: " + name,
                 "mail: %s@example.com" % uid, "userPassword: " + password_of(uid),
                 "sAMAccountName: " + uid, "userPrincipalName: %s@corp.example.com" % uid,
                 "sAMAccountType: 805306368", "userAccountControl: %d" % (514 if disabled else 512)]
        if disabled:
            lines.append("employeeType: disabled")
        lines += ["proxyAddresses: " + p for p in proxies]
        return "\n".join(lines) + "\n"

    def _seed(self):
        entries = ["dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n" % SUFFIX,
                   "dn: %s\nobjectClass: organizationalUnit\nou: people\n" % PEOPLE_DN,
                   "dn: %s\nobjectClass: organizationalUnit\nou: groups\n" % GROUPS_DN,
                   "dn: %s\nobjectClass: person\ncn: reader\nsn: reader\nuserPassword: %s\n" % (BIND_DN, BIND_PASSWORD)]
        for uid, name, _, disabled, proxies in PEOPLE:
            entries.append(self.person_ldif(uid, name, disabled, proxies))
        # Groups after their members: the memberof overlay writes memberOf then.
        for group in ("archive-users", "other"):
            members = "".join("member: uid=%s,%s\n" % (uid, PEOPLE_DN) for uid, _, groups, _, _ in PEOPLE
                              if group in groups)
            entries.append("dn: cn=%s,%s\nobjectClass: groupOfNames\ncn: %s\n%s" % (group, GROUPS_DN, group, members))
        self.ldif("\n".join(entries))

    def add_many(self, prefix, count):
        """`count` more people (not in any group), e.g. for a sync of several pages."""
        self.ldif("\n".join(self.person_ldif("%s%04d" % (prefix, i), "Bulk User %d" % i) for i in range(count)))

    def delete_many(self, prefix, count):
        self.ldif("\n".join("uid=%s%04d,%s" % (prefix, i, PEOPLE_DN) for i in range(count)) + "\n", "ldapdelete")

    def modify(self, dn, **replace):
        self.ldif("dn: %s\nchangetype: modify\n%s" % (dn, "-\n".join(
            "replace: %s\n%s: %s\n" % (k, k, v) for k, v in replace.items())), "ldapmodify")

    @staticmethod
    def members(group):
        """The uids of `group`'s members ("archive-users", "other"), disabled or not."""
        return [uid for uid, _, groups, _, _ in PEOPLE if group in groups]

    def browser_args(self, group):
        """What browser/console_tabs/directory.mjs takes as args.ldap (test_console): plain LDAP to this
        slapd, the read-only bind user, ou=people as base, `group` as the group filter and its members
        as the users a sync creates (the scenario's generic type has no disabled filter, so a disabled
        member would be created too)."""
        return {"host": "127.0.0.1", "port": self.port, "baseDN": PEOPLE_DN, "bindDN": BIND_DN,
                "bindPassword": BIND_PASSWORD, "groupDN": "cn=%s,%s" % (group, GROUPS_DN),
                "users": self.members(group)}

    def read_pem(self, path):
        with open(path) as f:
            return f.read()
