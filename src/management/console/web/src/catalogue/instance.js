// Strings of an instance's page around its tabs, English and German (see ../catalogue.js).

export const en = {
  breadcrumb: "Breadcrumb",
  instanceAreas: "Areas of the instance",
  instanceNotFound: "There is no instance {id}. It may have been deleted.",
  tabOverview: "Overview",
  tabUsers: "Users",
  tabFolders: "Folders",
  tabStores: "Archive Stores",
  tabIndexes: "Search Indexes",
  tabArchiving: "Archiving",
  tabAccess: "Archive Access",
  tabLive: "Live Statistics",
};

export const de = {
  breadcrumb: "Brotkrümelnavigation",
  instanceAreas: "Bereiche der Instanz",
  instanceNotFound: "Es gibt keine Instanz {id}. Vielleicht wurde sie gelöscht.",
  tabOverview: "Übersicht",
  tabUsers: "Benutzer",
  tabFolders: "Ordner",
  tabStores: "Archivspeicher",
  tabIndexes: "Suchindizes",
  tabArchiving: "Archivierung",
  tabAccess: "Archivzugriff",
  tabLive: "Live-Statistik",
};
