// A minimal .msg writer for tests ([MS-OXMSG] layout, libgsf's compound
// file writer): enough properties, recipients, attachments and embedded
// messages to check the reader. Not a general writer.
#pragma once

#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-memory.h>
#include <gsf/gsf-utils.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace spe::mapi::testing {

struct MsgProp {
  std::uint16_t id, type;
  std::string value;  // raw bytes (fixed types: little-endian)
};

inline std::string utf16(const std::string& utf8) {
  glong n = 0;
  gunichar2* w = g_utf8_to_utf16(utf8.c_str(), -1, nullptr, &n, nullptr);
  std::string out(reinterpret_cast<const char*>(w), static_cast<std::size_t>(n) * 2);
  g_free(w);
  return out;
}
inline std::string le32(std::uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
  return s;
}
inline MsgProp str(std::uint16_t id, const std::string& utf8) { return {id, 0x001F, utf16(utf8)}; }
inline MsgProp i32(std::uint16_t id, std::uint32_t v) { return {id, 0x0003, le32(v)}; }
inline MsgProp bin(std::uint16_t id, const std::string& b) { return {id, 0x0102, b}; }

struct MsgNode {
  std::vector<MsgProp> props;
  std::vector<std::vector<MsgProp>> recipients;
  struct Attachment {
    std::vector<MsgProp> props;
    std::shared_ptr<MsgNode> embedded;
  };
  std::vector<Attachment> attachments;
};

inline void writeStream(GsfOutfile* dir, const std::string& name, const std::string& data) {
  GsfOutput* out = gsf_outfile_new_child(dir, name.c_str(), FALSE);
  gsf_output_write(out, data.size(), reinterpret_cast<const guint8*>(data.data()));
  gsf_output_close(out);
  g_object_unref(out);
}

inline void writeProps(GsfOutfile* dir, const std::vector<MsgProp>& props, std::size_t header, std::uint32_t recips = 0,
                       std::uint32_t atts = 0) {
  std::string stream(header, '\0');
  if (header >= 24) {
    stream.replace(8, 4, le32(recips));
    stream.replace(12, 4, le32(atts));
    stream.replace(16, 4, le32(recips));
    stream.replace(20, 4, le32(atts));
  }
  for (const auto& p : props) {
    const std::uint32_t tag = (static_cast<std::uint32_t>(p.id) << 16) | p.type;
    stream += le32(tag) + le32(6);
    const bool fixed = p.type == 0x0003 || p.type == 0x000B || p.type == 0x0040 || p.type == 0x0014;
    if (fixed) {
      std::string v = p.value;
      v.resize(8, '\0');
      stream += v;
    } else {
      const std::size_t size = p.value.size() + (p.type == 0x001F ? 2 : p.type == 0x001E ? 1 : 0);
      stream += le32(static_cast<std::uint32_t>(size)) + le32(0);
      char name[32];
      std::snprintf(name, sizeof(name), "__substg1.0_%08X", tag);
      writeStream(dir, name, p.value);
    }
  }
  writeStream(dir, "__properties_version1.0", stream);
}

inline void writeNode(GsfOutfile* dir, const MsgNode& node, bool top) {
  writeProps(dir, node.props, top ? 32 : 24, static_cast<std::uint32_t>(node.recipients.size()),
             static_cast<std::uint32_t>(node.attachments.size()));
  for (std::size_t i = 0; i < node.recipients.size(); ++i) {
    char name[40];
    std::snprintf(name, sizeof(name), "__recip_version1.0_#%08X", static_cast<unsigned>(i));
    GsfOutfile* sub = GSF_OUTFILE(gsf_outfile_new_child(dir, name, TRUE));
    writeProps(sub, node.recipients[i], 8);
    gsf_output_close(GSF_OUTPUT(sub));
    g_object_unref(sub);
  }
  for (std::size_t i = 0; i < node.attachments.size(); ++i) {
    char name[40];
    std::snprintf(name, sizeof(name), "__attach_version1.0_#%08X", static_cast<unsigned>(i));
    GsfOutfile* sub = GSF_OUTFILE(gsf_outfile_new_child(dir, name, TRUE));
    writeProps(sub, node.attachments[i].props, 8);
    if (node.attachments[i].embedded) {
      GsfOutfile* inner = GSF_OUTFILE(gsf_outfile_new_child(sub, "__substg1.0_3701000D", TRUE));
      writeNode(inner, *node.attachments[i].embedded, false);
      gsf_output_close(GSF_OUTPUT(inner));
      g_object_unref(inner);
    }
    gsf_output_close(GSF_OUTPUT(sub));
    g_object_unref(sub);
  }
}

inline std::string writeMsg(const MsgNode& node) {
  gsf_init();
  GsfOutput* mem = gsf_output_memory_new();
  GsfOutfile* ole = gsf_outfile_msole_new(mem);
  writeNode(ole, node, true);
  gsf_output_close(GSF_OUTPUT(ole));
  g_object_unref(ole);
  std::string out(reinterpret_cast<const char*>(gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem))),
                  static_cast<std::size_t>(gsf_output_size(mem)));
  g_object_unref(mem);
  return out;
}

}  // namespace spe::mapi::testing
