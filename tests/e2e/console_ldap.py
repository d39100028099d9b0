"""A small real OpenLDAP directory for the console's Directory tab
(test_console, browser/console_tabs/directory.mjs; docs/testing.md "OpenLDAP
slapd"): slapd with its own slapd.conf, mdb database and free loopback port
under a temporary directory, plain LDAP, a read-only bind user, and the people
in ou=people of dc=example,dc=com with a group of two of them. Stopped by its
own process id."""
import os
import shutil
import subprocess
import tempfile

from harness import free_port, wait_port

SUFFIX = "dc=example,dc=com"
ROOT_DN = "cn=admin," + SUFFIX
ROOT_PASSWORD = "Root-ldap-pass-1"
BIND_DN = "cn=reader," + SUFFIX
BIND_PASSWORD = "Reader-ldap-pass-1"
GROUP_DN = "cn=archive-users,ou=groups," + SUFFIX
PEOPLE = [  # (uid, full name, in the group)
    ("carol", "Carol Directory", True),
    ("dave", "Dave Directory", True),
    ("erin", "Erin Outside", False),
]


def available():
    return all(shutil.which(p) or os.path.exists(p) for p in ("/usr/sbin/slapd", "ldapadd"))


class ConsoleLdap:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="spe-ldap-")
        self.port = free_port()
        os.makedirs(os.path.join(self.dir, "db"))
        conf = os.path.join(self.dir, "slapd.conf")
        with open(conf, "w") as f:
            f.write("""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {d}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root}"
rootpw {rootpw}
directory {d}/db
access to attrs=userPassword by self auth by anonymous auth by * none
access to * by dn.exact="{bind}" read by * none
""".format(d=self.dir, suffix=SUFFIX, root=ROOT_DN, rootpw=ROOT_PASSWORD, bind=BIND_DN))
        subprocess.run(["/usr/sbin/slaptest", "-f", conf, "-u"], check=True, capture_output=True)
        self.proc = subprocess.Popen(["/usr/sbin/slapd", "-f", conf, "-h", "ldap://127.0.0.1:%d/" % self.port, "-d", "0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(self.port, 30, self.proc)
            self._seed()
        except Exception:
            self.stop()
            raise

    def _seed(self):
        entries = ["dn: {s}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n",
                   "dn: ou=people,{s}\nobjectClass: organizationalUnit\nou: people\n",
                   "dn: ou=groups,{s}\nobjectClass: organizationalUnit\nou: groups\n",
                   "dn: {b}\nobjectClass: person\ncn: reader\nsn: reader\nuserPassword: {bp}\n"]
        for uid, name, _ in PEOPLE:
            entries.append("dn: uid=%s,ou=people,{s}\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\n"
                           "mail: %s@example.com\nuserPassword: %s-Pass-1\n" % (uid, uid, name, name.split()[-1], uid, uid))
        members = "".join("member: uid=%s,ou=people,{s}\n" % uid for uid, _, member in PEOPLE if member)
        entries.append("dn: {g}\nobjectClass: groupOfNames\ncn: archive-users\n" + members)
        ldif = "\n".join(entries).format(s=SUFFIX, b=BIND_DN, bp=BIND_PASSWORD, g=GROUP_DN)
        subprocess.run(["ldapadd", "-x", "-H", "ldap://127.0.0.1:%d/" % self.port, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
                       input=ldif.encode(), check=True, capture_output=True)

    def args(self):
        """What console_tabs/directory.mjs takes as args.ldap: the group's members are synchronised."""
        return {"host": "127.0.0.1", "port": self.port, "baseDN": "ou=people," + SUFFIX, "bindDN": BIND_DN,
                "bindPassword": BIND_PASSWORD, "groupDN": GROUP_DN,
                "users": [uid for uid, _, member in PEOPLE if member]}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
