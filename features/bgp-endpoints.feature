@bgp @endpoints @ibgp @ipv4
Feature: A Service with no endpoint that can serve is not announced
  An endpoint that exists but is not ready cannot serve. A Service whose endpoints are all not ready is
  not announced, whatever its externalTrafficPolicy; it is announced once one becomes ready (Cluster: from
  every node, Local: from that endpoint's node only) and withdrawn when the last ready one goes. A second
  Service, always ready, proves the speaker is running and has read every change.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: endpoints
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.64/28
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: endpoints
        namespace: metallb-system
      spec:
        ipAddressPools: [endpoints]
      """
    And nodes "NodeA, NodeB" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And a Service "default/witness" requesting "203.0.113.65" with a ready endpoint on "NodeB"

  Scenario Outline: externalTrafficPolicy <policy>: announced only while an endpoint is ready
    Given a Service "default/web" with externalTrafficPolicy <policy> requesting "203.0.113.66" and an endpoint on "NodeA" that is not ready
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix          | next hops    | origin | as path | local pref | communities |
      | 203.0.113.65/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |
    When the endpoint of the Service "default/web" on "NodeA" becomes ready
    Then "tor" has exactly these routes:
      | prefix          | next hops     | origin | as path | local pref | communities |
      | 203.0.113.65/32 | NodeA, NodeB  | IGP    | empty   | unset      | none        |
      | 203.0.113.66/32 | <announcers>  | IGP    | empty   | unset      | none        |
    When no endpoint of the Service "default/web" is ready any more
    Then "tor" has exactly these routes:
      | prefix          | next hops    | origin | as path | local pref | communities |
      | 203.0.113.65/32 | NodeA, NodeB | IGP    | empty   | unset      | none        |

    @etp-cluster
    Examples: Cluster
      | policy  | announcers   |
      | Cluster | NodeA, NodeB |

    @etp-local
    Examples: Local
      | policy | announcers |
      | Local  | NodeA      |
